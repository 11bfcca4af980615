// The on-time rate over the last twelve months (one GET /monitor/stats a month,
// grouped by level: the total is what counts, and levels are few rows) and by
// handling unit over the same months (GET /monitor/stats?group_by=unit), drawn
// with Chart.js; a summary and a table of the same figures for those who do not
// see the charts.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController,
  LineElement, PointElement, Tooltip,
} from "chart.js";
import { api, showProblem } from "../common.js";
import {
  cell, data, day, loading, monthsBack, note, num, pct, query, row, say, unitName,
} from "./util.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController,
  LineElement, PointElement, Legend, Tooltip);

const MONTHS = 12;
const COLOURS = { early: "#1b7a3a", on_time: "#0b5cab", late: "#b3261e", rate: "#8a5a00" };
const SHORT = 28; // a unit's name on the chart's axis; the table has it whole

async function stats(params) {
  const answer = await api("GET", `/monitor/stats?${query(params)}`);
  if (!answer.ok) throw answer.data;
  return answer.data;
}

const onTime = (resolved) => resolved.early + resolved.on_time;

function figuresRow(label, figures) {
  const { resolved, rates } = figures;
  return row(cell(label), cell(num(resolved.total), "num"), cell(num(resolved.early), "num"),
    cell(num(resolved.on_time), "num"), cell(num(resolved.late), "num"),
    cell(pct(rates.on_time), "num"));
}

function countsAndRate(labels, figures) {
  const series = (key) => figures.map((f) => f.resolved[key]);
  return {
    labels,
    datasets: [
      { type: "line", label: say("rate"), data: figures.map((f) => (f.rates.on_time === null
        ? null : Math.round(f.rates.on_time * 1000) / 10)), yAxisID: "rate",
      borderColor: COLOURS.rate, backgroundColor: COLOURS.rate, spanGaps: true },
      { label: say("early"), data: series("early"), backgroundColor: COLOURS.early, stack: "r" },
      { label: say("on_time"), data: series("on_time"), backgroundColor: COLOURS.on_time,
        stack: "r" },
      { label: say("late_resolved"), data: series("late"), backgroundColor: COLOURS.late,
        stack: "r" },
    ],
  };
}

const OPTIONS = {
  animation: false, responsive: true, maintainAspectRatio: false,
  plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
};

function monthChart(canvas, months, figures) {
  return new Chart(canvas, {
    type: "bar",
    data: countsAndRate(months.map((m) => m.label), figures),
    options: { ...OPTIONS, scales: {
      x: { stacked: true },
      y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: say("resolved") } },
      rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
        title: { display: true, text: `${say("rate")} (%)` } },
    } },
  });
}

function unitChart(canvas, rows) {
  const labels = rows.map((r) => {
    const name = r.name || unitName(r.key);
    return name.length > SHORT ? `…${name.slice(1 - SHORT)}` : name; // the tail tells units apart
  });
  return new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: `${say("rate")} (%)`, backgroundColor: COLOURS.on_time,
      data: rows.map((r) => Math.round(r.rates.on_time * 1000) / 10) }] },
    options: { ...OPTIONS, indexAxis: "y", plugins: { legend: { display: false } },
      scales: { x: { min: 0, max: 100 } } },
  });
}

function monthSummary(months, figures) {
  const resolved = figures.reduce((sum, f) => sum + f.resolved.total, 0);
  if (!resolved) return say("no_resolved");
  const timely = figures.reduce((sum, f) => sum + onTime(f.resolved), 0);
  return say("month_summary", { from: day(months[0].from), to: day(months.at(-1).to),
    resolved: num(resolved), rate: pct(timely / resolved) });
}

function unitSummary(rows) {
  if (!rows.length) return say("no_resolved");
  const sorted = [...rows].sort((a, b) => b.rates.on_time - a.rates.on_time);
  const [best, worst] = [sorted[0], sorted.at(-1)];
  return say("unit_summary", { units: num(rows.length), best: pct(best.rates.on_time),
    best_unit: best.name || unitName(best.key), worst: pct(worst.rates.on_time),
    worst_unit: worst.name || unitName(worst.key) });
}

export function ratesSection(section) {
  const problem = section.querySelector(".problem");
  const months = monthsBack(data.today, MONTHS);
  const charts = [];
  section.querySelector("[data-period]").textContent = say("period",
    { from: day(months[0].from), to: day(data.today) });
  return () => loading(section, async () => {
    const monthRows = section.querySelector("[data-rows=month]");
    const unitRows = section.querySelector("[data-rows=unit]");
    monthRows.replaceChildren(note(say("loading"), 6));
    unitRows.replaceChildren(note(say("loading"), 6));
    let figures;
    let units;
    try {
      [figures, units] = await Promise.all([
        Promise.all(months.map((m) => stats({ from: m.from, to: m.to, group_by: "level" })
          .then((answer) => answer.total))),
        stats({ from: months[0].from, to: data.today, group_by: "unit" }),
      ]);
    } catch (failure) {
      showProblem(problem, failure);
      return;
    }
    charts.forEach((chart) => chart.destroy());
    const resolvedUnits = units.rows.filter((r) => r.resolved.total > 0);
    charts.splice(0, charts.length, monthChart(section.querySelector("#month-chart"), months,
      figures), unitChart(section.querySelector("#unit-chart"), resolvedUnits));
    section.querySelector("#month-summary").textContent = monthSummary(months, figures);
    section.querySelector("#unit-summary").textContent = unitSummary(resolvedUnits);
    monthRows.replaceChildren(...months.map((m, i) => figuresRow(m.label, figures[i])));
    unitRows.replaceChildren(...(units.rows.length
      ? units.rows.map((r) => figuresRow(r.name || unitName(r.key), r))
      : [note(say("no_resolved"), 6)]));
  });
}
