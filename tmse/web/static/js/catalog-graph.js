// The catalog's dependency graph: ECharts force layout from data-catalog-graph, with tooltips
// naming owner and system, and a click on a service opening its page. Sets data-ready when drawn.
(function () {
  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }
  function draw(el) {
    if (!window.echarts || el.dataset.rendered) return;
    var option = JSON.parse(el.dataset.catalogGraph);
    var labels = el.dataset;
    option.tooltip = {
      confine: true,
      formatter: function (p) {
        if (p.dataType === "edge") {
          var extra = p.data.tmse || {};
          var note = extra.rule ? labels.ruleLabel : extra.cycle ? labels.cycleLabel : "";
          var ends = function (id) { return id.slice(id.indexOf(":") + 1); };
          return escape(ends(p.data.source)) + " → " + escape(ends(p.data.target)) +
            (extra.protocol ? " <code>" + escape(extra.protocol) + "</code>" : "") +
            (note ? "<br><b>" + escape(note) + "</b>" : "");
        }
        var d = (p.data && p.data.tmse) || {};
        var kind = { service: labels.kindService, api: labels.kindApi, "data-store": labels.kindDataStore }[d.kind];
        return "<b>" + escape(p.name) + "</b> · " + escape(kind) +
          "<br>" + escape(labels.layerLabel) + ": " + escape(d.layer) +
          "<br>" + escape(labels.ownerLabel) + ": " + escape(d.owner || "—") +
          (d.system ? "<br>" + escape(labels.systemLabel) + ": " + escape(d.system) : "");
      }
    };
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.on("finished", function () { el.dataset.ready = "1"; });
    chart.on("click", function (p) {
      if (p.dataType !== "node") return;
      var kind = (p.data.tmse || {}).kind;
      var name = encodeURIComponent(p.data.name);
      window.location.href = kind === "api" ? "/catalog/apis/" + name
        : kind === "data-store" ? "/catalog/data-stores?q=" + name : "/catalog/services/" + name;
    });
    chart.setOption(option);
    el.dataset.rendered = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function drawAll() { document.querySelectorAll("[data-catalog-graph]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
