// Dashboard charts and the print button. Loaded as a file (CSP: no inline script); the data comes
// from <script type="application/json" id="dashboard-data"> rendered by Django's json_script.
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';
  var RED = "#b71c1c";
  var BLUE = "#1a56c4";
  var GREY = "#86909c";
  var GREEN = "#1a7f4b";
  var AMBER = "#a86200";
  var STATE_RED = "#c62828";
  var charts = [];

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  function readData() {
    var node = document.getElementById("dashboard-data");
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  function base(title) {
    return {
      textStyle: { fontFamily: FONT, color: "#1f2329" },
      animation: false,
      toolbox: {
        right: 4, top: 0, itemSize: 14,
        feature: { saveAsImage: { title: "保存为图片", name: title, pixelRatio: 2, backgroundColor: "#fff" } }
      },
      tooltip: { trigger: "axis", confine: true, textStyle: { fontFamily: FONT } },
      grid: { left: 8, right: 16, top: 44, bottom: 8, containLabel: true }
    };
  }

  function merge(a, b) {
    for (var k in b) if (Object.prototype.hasOwnProperty.call(b, k)) a[k] = b[k];
    return a;
  }

  function legend(names) {
    return { data: names, top: 4, left: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontFamily: FONT } };
  }

  var BUILD = {
    trend: function (d) {
      var t = d.trend;
      return merge(base("按月趋势"), {
        legend: legend(["反馈问题", "销号任务"]),
        xAxis: { type: "category", data: t.months, boundaryGap: true,
                 axisLabel: { formatter: function (v, i) {
                   var m = String(parseInt(v.slice(5), 10)) + "月";
                   return i === 0 || v.slice(5) === "01" ? v.slice(0, 4) + "年\n" + m : m;
                 } } },
        yAxis: { type: "value", minInterval: 1, name: "项", nameTextStyle: { color: GREY } },
        series: [
          { name: "反馈问题", type: "line", data: t.fed_back, smooth: false, symbolSize: 6,
            itemStyle: { color: RED }, lineStyle: { width: 2 } },
          { name: "销号任务", type: "line", data: t.closed, symbolSize: 6,
            itemStyle: { color: BLUE }, lineStyle: { width: 2 } }
        ]
      });
    },
    category: function (d) {
      var c = d.category;
      return merge(base("按问题类别"), {
        legend: legend(["反馈问题", "已整改"]),
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: c.names.slice().reverse(),
                 axisLabel: { width: 120, overflow: "truncate" } },
        series: [
          { name: "反馈问题", type: "bar", data: c.fed_back.slice().reverse(), itemStyle: { color: "#c9cdd4" }, barGap: "-100%", barWidth: 14 },
          { name: "已整改", type: "bar", data: c.rectified.slice().reverse(), itemStyle: { color: RED }, barWidth: 14,
            label: { show: true, position: "right", color: "#4e5969" } }
        ]
      });
    },
    place: function (d) {
      var p = d.place;
      return merge(base("整改率排名"), {
        tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2) + "%"; } },
        xAxis: { type: "value", max: 100, name: "%", nameTextStyle: { color: GREY } },
        yAxis: { type: "category", data: p.names.slice().reverse(), axisLabel: { width: 110, overflow: "truncate" } },
        series: [
          { name: "整改率", type: "bar", data: p.rate.slice().reverse(), barWidth: 14, itemStyle: { color: RED },
            label: { show: true, position: "right", formatter: function (x) { return x.value == null ? "—" : x.value.toFixed(2) + "%"; }, color: "#4e5969" } }
        ]
      });
    },
    leads: function (d) {
      var l = d.leads;
      return merge(base("平均每轮线索"), {
        xAxis: { type: "category", data: l.names, axisLabel: { interval: 0 } },
        yAxis: { type: "value", name: "条/轮", nameTextStyle: { color: GREY } },
        series: [{ name: "平均每轮线索", type: "bar", barWidth: 24, data: l.names.map(function (n, i) {
          return { value: l.average[i], itemStyle: { color: n === "市县统合巡察" ? RED : "#a0a7b1" } };
        }), label: { show: true, position: "top", color: "#4e5969" } }]
      });
    },
    grades: function (d) {
      var colours = { "好": GREEN, "较好": BLUE, "一般": AMBER, "差": STATE_RED };
      var opt = base("评估等次");
      opt.tooltip = { trigger: "item", confine: true, formatter: "{b}:{c}({d}%)" };
      delete opt.grid;
      return merge(opt, {
        series: [{ name: "评估等次", type: "pie", radius: ["40%", "68%"], center: ["50%", "55%"],
          label: { formatter: "{b} {c}", fontFamily: FONT },
          data: d.grades.filter(function (g) { return g.value > 0; }).map(function (g) {
            return { name: g.name, value: g.value, itemStyle: { color: colours[g.name] || GREY } };
          }) }]
      });
    }
  };

  function draw() {
    var data = readData();
    if (!data || !window.echarts) return;
    var nodes = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < nodes.length; i++) {
      var kind = nodes[i].getAttribute("data-chart");
      if (!BUILD[kind] || !data[kind]) continue;
      // Bar charts of places and categories grow with their rows instead of stretching one bar.
      var rows = kind === "place" ? data.place.names.length : kind === "category" ? data.category.names.length : 0;
      if (rows) nodes[i].style.height = Math.max(180, Math.min(560, 70 + rows * 34)) + "px";
      var chart = window.echarts.init(nodes[i], null, { renderer: "canvas", locale: "ZH" });
      chart.setOption(BUILD[kind](data));
      charts.push(chart);
    }
  }

  function resize() {
    for (var i = 0; i < charts.length; i++) charts[i].resize();
  }

  function toolbox(show) {
    for (var i = 0; i < charts.length; i++) charts[i].setOption({ toolbox: { show: show } });
  }

  window.addEventListener("resize", resize);
  // Printed pages are narrower than the screen: redraw the charts at the paper's width, without
  // the "保存为图片" button on paper.
  window.addEventListener("beforeprint", function () { toolbox(false); resize(); });
  window.addEventListener("afterprint", function () { toolbox(true); resize(); });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
