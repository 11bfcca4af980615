// What the dashboard's parts share: the page's texts and numbers written in its
// language, working time as days and hours, calendar dates as ISO text, table
// cells, and a section that shows it is loading.
import { lang, pageData } from "../common.js";

export const data = pageData();
export const texts = data.texts || {};

/** `texts[key]` with its `%(name)s` placeholders filled from `values`. */
export function say(key, values = {}) {
  return String(texts[key] ?? key).replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");
}

const numbers = new Intl.NumberFormat(lang(), { maximumFractionDigits: 1 });
const percents = new Intl.NumberFormat(lang(), { style: "percent", maximumFractionDigits: 1 });
export const num = (value) => (value === null || value === undefined ? "—" : numbers.format(value));
export const pct = (rate) => (rate === null || rate === undefined ? "—" : percents.format(rate));

/** Working hours as "2 d 3.5 h" (working days of `data.day_hours`) or "3.5 h". */
export function workTime(amount) {
  const whole = Math.abs(amount);
  const day = data.day_hours || 8;
  if (whole < day) return say("hours", { hours: num(whole) });
  const days = Math.floor(whole / day);
  const hours = Math.round((whole - days * day) * 10) / 10;
  return hours ? say("days_hours", { days: num(days), hours: num(hours) })
    : say("days", { days: num(days) });
}

/** Hours of a wait, or "—" when there is none. */
export const wait = (hours) => (hours === null || hours === undefined ? "—" : workTime(hours));

// Calendar dates are ISO text (YYYY-MM-DD), counted in UTC so no zone shifts them.
const asDate = (iso) => new Date(`${iso}T00:00:00Z`);
const asIso = (date) => date.toISOString().slice(0, 10);
export const addDays = (iso, days) => asIso(new Date(asDate(iso).getTime() + days * 86400000));
export function monthsBack(iso, count) {
  const date = asDate(iso);
  const months = [];
  for (let back = count - 1; back >= 0; back -= 1) {
    const first = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - back, 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    months.push({ from: asIso(first), to: asIso(last) < iso ? asIso(last) : iso,
      label: `${String(first.getUTCMonth() + 1).padStart(2, "0")}/${first.getUTCFullYear()}` });
  }
  return months;
}
/** dd/mm/yyyy of an ISO date. */
export const day = (iso) => (iso ? iso.split("-").reverse().join("/") : "");
/** The ISO date of dd/mm/yyyy text; the text itself when it is not one (the API
 * then names the field). */
export function iso(text) {
  const match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
  return match ? `${match[3]}-${match[2].padStart(2, "0")}-${match[1].padStart(2, "0")}` : text;
}

/** A table cell: text, or a node; `className` for numbers and states. */
export function cell(content, className) {
  const td = document.createElement("td");
  if (content instanceof Node) td.append(content); else td.textContent = content ?? "";
  if (className) td.className = className;
  return td;
}

export function row(...cells) {
  const tr = document.createElement("tr");
  tr.append(...cells);
  return tr;
}

/** A row of one cell across the table saying `text` (nothing found, loading). */
export function note(text, span) {
  const td = cell(text, "muted");
  td.colSpan = span;
  return row(td);
}

export function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

/** Query text of `params`, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) search.set(name, value);
  }
  return search.toString();
}

/** Run `action` with `region` marked busy (aria-busy, a faded look). */
export async function loading(region, action) {
  region.setAttribute("aria-busy", "true");
  region.classList.add("loading");
  document.body.classList.add("working");
  try {
    return await action();
  } finally {
    region.removeAttribute("aria-busy");
    region.classList.remove("loading");
    document.body.classList.remove("working");
  }
}

/** The procedure's name by code (the code when it is not in the catalogue). */
const procedures = Object.fromEntries((data.procedures || []).map((p) => [p.code, p.name]));
export const procedureName = (code) => procedures[code] || code;
export const unitName = (code) => (data.units || {})[code] || code;

/** Fill every `select[data-procedures]` in `root` with the catalogue. */
export function fillProcedures(root) {
  for (const select of root.querySelectorAll("select[data-procedures]")) {
    for (const procedure of data.procedures || []) {
      const option = document.createElement("option");
      option.value = procedure.code;
      option.textContent = `${procedure.name} (${procedure.code})`;
      select.append(option);
    }
  }
}
