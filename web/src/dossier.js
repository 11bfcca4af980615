// The dossier pages. The search (/dossiers) only shows its search is working
// (common.js, form[data-busy]). The dossier page (/dossiers/<code>): the diagram
// with the dossier's steps marked, and the life-cycle actions; after an action
// the page's changing parts (GET /dossiers/<code>/live) are fetched again and
// swapped in, the marks redrawn.
import "./dossier.css";
import { pageData } from "./common.js";
import { wireActions } from "./dossier/actions.js";

const data = pageData();
const container = document.getElementById("diagram");
let diagram = null;

async function showDiagram() {
  if (!container) return;
  try {
    const { Diagram } = await import("./dossier/diagram.js"); // bpmn-js: only where drawn
    diagram = new Diagram(container);
    await diagram.load(data.procedure, data.version);
    diagram.mark(pageData("marks"));
    container.dataset.ready = "true";
  } catch (error) {
    const box = document.getElementById("diagram-problem");
    box.textContent = `${data.texts.diagram_failed} (${error.message})`;
    box.hidden = false;
  }
}

/** Fetch the page's changing parts again and swap each in by its id. */
async function refresh() {
  const response = await fetch(data.live + window.location.search,
    { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (response.status === 404) { // moved away from the visitor's units: no longer theirs
    document.querySelectorAll("[data-live], .diagram-panel, .lower").forEach((node) => node.remove());
    const notice = document.getElementById("notice");
    const link = document.createElement("a");
    link.href = data.list;
    link.textContent = data.texts.gone;
    notice.append(" ", link);
    return;
  }
  if (!response.ok) {
    window.location.reload();
    return;
  }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const part of fresh.querySelectorAll("[data-live]")) {
    document.getElementById(part.id)?.replaceWith(document.adoptNode(part));
  }
  if (diagram && container.dataset.ready) diagram.mark(pageData("marks"));
}

wireActions({ notice: document.getElementById("notice"), refresh });
if (data.code) showDiagram();
