// The report of a chosen period (GET /monitor/stats?from&to&group_by): received,
// resolved, in progress, waiting, stopped, withdrawn, refused and the rates, one
// row per key and the total; the CSV link asks the same figures as a download
// (the session cookie authenticates the GET).
import { api, busy, clearProblem, showProblem } from "../common.js";
import {
  addDays, cell, data, day, iso, note, num, pct, procedureName, query, row, say, unitName,
} from "./util.js";

const COLUMNS = 19;

function label(groupBy, key, name) {
  if (key === null || key === undefined || key === "") return say("not_set");
  if (groupBy === "channel" || groupBy === "level") return say(`${groupBy}_${key}`);
  if (groupBy === "procedure") return name || procedureName(key);
  if (groupBy === "unit" || groupBy === "desk") return name || unitName(key);
  return key;
}

function figures(first, f) {
  const numbers = [f.received.carried_over, f.received.online, f.received.direct,
    f.received.post, f.received.total, f.resolved.early, f.resolved.on_time, f.resolved.late,
    f.resolved.total, f.in_progress.total, f.in_progress.overdue, f.supplement, f.stopped,
    f.withdrawn, f.refused];
  const tr = row(first, ...numbers.map((value) => cell(num(value), "num")),
    cell(pct(f.rates.on_time), "num"), cell(pct(f.rates.online), "num"));
  return tr;
}

function keyCell(groupBy, item) {
  const th = document.createElement("th");
  th.scope = "row";
  th.textContent = label(groupBy, item.key, item.name);
  if (groupBy === "procedure" && item.key) th.title = item.key;
  return th;
}

export function reportSection(section) {
  const form = section.querySelector("#report-form");
  const problem = section.querySelector(".problem");
  const table = section.querySelector("table.report");
  const csv = section.querySelector("#report-csv");
  const submit = form.querySelector("button[type=submit]");
  form.elements.from.value = day(addDays(data.today, -29));
  form.elements.to.value = day(data.today);
  const params = () => {
    const values = Object.fromEntries(new FormData(form));
    return { ...values, from: iso(values.from), to: iso(values.to) };
  };
  const linkCsv = () => { csv.href = `/api/v1/monitor/stats?${query({ ...params(), format: "csv" })}`; };
  form.addEventListener("input", linkCsv);
  linkCsv();

  async function show() {
    const wanted = params();
    clearProblem(problem, form);
    table.querySelector("tbody").replaceChildren(note(say("loading"), COLUMNS));
    const answer = await api("GET", `/monitor/stats?${query(wanted)}`);
    if (!answer.ok) {
      table.querySelector("tbody").replaceChildren();
      showProblem(problem, answer.data, form);
      return;
    }
    const report = answer.data;
    const select = form.elements.group_by;
    table.querySelector("[data-group-label]").textContent = select.options[select.selectedIndex].text;
    section.querySelector("[data-period]").textContent = `${day(report.from)} – ${day(report.to)}`;
    table.querySelector("tbody").replaceChildren(...(report.rows.length
      ? report.rows.map((item) => figures(keyCell(report.group_by, item), item))
      : [note(say("no_rows"), COLUMNS)]));
    const total = document.createElement("th");
    total.scope = "row";
    total.textContent = say("total");
    table.querySelector("tfoot").replaceChildren(figures(total, report.total));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, show);
  });
  return () => busy(submit, show);
}
