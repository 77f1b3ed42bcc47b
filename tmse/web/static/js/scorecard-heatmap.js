// The scorecard heat map: a click on a cell opens the scorecard list filtered to that row
// (team, system or layer, from data-heatmap-by) and that standard.
document.addEventListener("tmse:chart-ready", function (event) {
  var el = event.target;
  var wrapper = el.closest("[data-heatmap-by]");
  if (!wrapper) return;
  var keys = JSON.parse(el.dataset.chart).tmseKeys;
  event.detail.chart.on("click", function (params) {
    var query = new URLSearchParams();
    query.set(wrapper.dataset.heatmapBy, keys.rows[params.value[1]]);
    query.set("standard", keys.standards[params.value[0]]);
    window.location.href = "/scorecards?" + query.toString();
  });
});
