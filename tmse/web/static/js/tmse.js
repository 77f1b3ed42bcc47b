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
      // Page scripts add behaviour (e.g. clicks) here rather than polling for the instance.
      el.dispatchEvent(new CustomEvent("tmse:chart-ready", { bubbles: true, detail: { chart: chart } }));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { renderCharts(e.target); });
  document.addEventListener("tmse:charts", function () { renderCharts(document); });
})();

// Small behaviours of the organisation pages: confirm before a destructive post, copy a value.
(function () {
  document.addEventListener("htmx:afterSettle", function () {
    // outerHTML swaps replace the event's target, so look for new charts in the whole page.
    document.dispatchEvent(new Event("tmse:charts"));
  });
  document.addEventListener("DOMContentLoaded", function () {
    // Long checklists open scrolled to the first ticked item, so the current choice is in view.
    document.querySelectorAll(".tmse-checklist").forEach(function (list) {
      var first = list.querySelector("input:checked");
      if (first) list.scrollTop = first.closest("label").offsetTop - list.offsetTop - 8;
    });
  });
  document.addEventListener("submit", function (e) {
    var message = e.target.dataset && e.target.dataset.confirm;
    if (message && !window.confirm(message)) e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.dataset.copy);
    if (!field) return;
    field.select();
    var done = function () { button.textContent = button.dataset.copied || "✓"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();

// Behaviour declared by data attributes, so templates need no inline handlers (the CSP forbids
// them): data-autosubmit submits its form on change; data-mirror-to="#form" data-mirror-as="mode"
// copies the chosen value to the form's data-mode (CSS shows the matching fields);
// data-file-into="#textarea" reads the chosen file into the text area.
(function () {
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!el.dataset) return;
    if (el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    } else if (el.dataset.mirrorTo) {
      var target = document.querySelector(el.dataset.mirrorTo);
      if (target) target.dataset[el.dataset.mirrorAs] = el.value;
    } else if (el.dataset.fileInto && el.files && el.files[0]) {
      var into = document.querySelector(el.dataset.fileInto);
      el.files[0].text().then(function (text) { if (into) into.value = text; });
    }
  });
})();
