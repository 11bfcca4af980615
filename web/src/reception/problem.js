// A server problem shown on the desk's pages: its `detail` comes in the page's
// language, its `title` is the HTTP status's English name, so a problem with a
// detail is shown by its detail (and its field errors beside their fields).
import { showProblem } from "../common.js";

export function explain(box, problem, form) {
  const shown = problem?.detail ? { ...problem, title: "" } : problem;
  showProblem(box, shown, form);
}
