// Renders every element carrying data-chart with Apache ECharts, and re-renders after htmx swaps.
(function () {
  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      // "finished" fires once animations end; tests and screenshots wait for data-ready.
      chart.on("finished", function () { el.dataset.ready = "1"; });
      chart.setOption(JSON.parse(el.dataset.chart));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { renderCharts(e.target); });
})();
