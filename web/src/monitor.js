// The supervisor's dashboard (/monitor): the overdue and near-due lists for
// supervisors and leaders; for supervisors also tabs with the on-time charts, the
// heatmap on the diagram and the report. Each tab loads when first shown; the
// tab shown is kept in the address (#rates, #heatmap, #report).
import "./common.js";
import "./monitor.css";
import { overdueSection } from "./monitor/overdue.js";
import { fillProcedures } from "./monitor/util.js";

const main = document.getElementById("main");
fillProcedures(main);
const overdue = overdueSection(document.getElementById("overdue"));
// Chart.js and bpmn-js load only when a supervisor opens their tab.
const SECTIONS = {
  overdue: async () => () => overdue,
  rates: async () => (await import("./monitor/charts.js")).ratesSection,
  heatmap: async () => (await import("./monitor/heatmap.js")).heatmapSection,
  report: async () => (await import("./monitor/report.js")).reportSection,
};
const opened = {};

/** Set up and load the section `name` the first time it is shown. */
function open(name) {
  opened[name] ||= SECTIONS[name]().then((setUp) => setUp(document.getElementById(name))())
    .catch((failure) => { delete opened[name]; throw failure; });
}

const tabs = [...main.querySelectorAll("[role=tab]")];

function select(tab, focus = false) {
  for (const other of tabs) {
    const chosen = other === tab;
    other.setAttribute("aria-selected", String(chosen));
    other.tabIndex = chosen ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !chosen;
  }
  if (focus) tab.focus();
  const name = tab.getAttribute("aria-controls");
  history.replaceState(null, "", name === "overdue" ? location.pathname + location.search
    : `#${name}`);
  open(name);
}

for (const tab of tabs) {
  tab.addEventListener("click", () => select(tab));
  tab.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    select(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length], true);
  });
}

const start = tabs.find((tab) => `#${tab.getAttribute("aria-controls")}` === location.hash);
if (start) select(start); else open("overdue");
