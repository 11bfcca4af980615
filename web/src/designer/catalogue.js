// The catalogue's form: create a procedure through `POST /procedures`; the API's
// field errors appear beside their fields; success opens the new procedure.
import { api, busy, clearProblem, showProblem } from "../common.js";

const value = (form, name) => (form.elements[name]?.value || "").trim();

export function start() {
  const form = document.getElementById("new-procedure");
  const box = form.querySelector(".problem");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblem(box, form);
    const body = {
      code: value(form, "code"), name: value(form, "name"), field: value(form, "field"),
      agency: value(form, "agency"), level: value(form, "level"),
      clock_policy: value(form, "clock_policy"),
      statutory_time: { value: Number(value(form, "statutory_time.value")) || 0,
        unit: value(form, "statutory_time.unit") },
    };
    await busy(form.querySelector("button[type=submit]"), async () => {
      const answer = await api("POST", "/procedures", body);
      if (answer.ok) window.location.assign(`/designer/${encodeURIComponent(body.code)}`);
      else showProblem(box, answer.data, form);
    });
  });
}
