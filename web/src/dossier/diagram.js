// The dossier's diagram: the version's BPMN in bpmn-js's NavigatedViewer, its
// elements marked done, current or overdue (classes step-done, step-current,
// step-overdue on the element's SVG group, the one carrying data-element-id).
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { api } from "../common.js";

const MARKS = { done: "step-done", current: "step-current", overdue: "step-overdue" };

export class Diagram {
  constructor(container) {
    this.viewer = new NavigatedViewer({ container });
    this.marked = [];
  }

  /** Load the BPMN of `procedure` version `version`; rejects with a message on failure. */
  async load(procedure, version) {
    const response = await api("GET",
      `/procedures/${encodeURIComponent(procedure)}/versions/${version}/bpmn`, undefined,
      { raw: true });
    if (!response.ok) throw new Error(`${response.status}`);
    await this.viewer.importXML(await response.text());
    const canvas = this.viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    canvas.zoom(canvas.zoom() * 0.94, "auto"); // a margin: the logo sits in the corner
  }

  /** Mark the elements named in `marks` ({done: [ids], current: [...], overdue: [...]}). */
  mark(marks) {
    const canvas = this.viewer.get("canvas");
    const registry = this.viewer.get("elementRegistry");
    for (const [id, name] of this.marked) canvas.removeMarker(id, name);
    this.marked = [];
    for (const [kind, name] of Object.entries(MARKS)) {
      for (const id of marks[kind] || []) {
        if (!registry.get(id)) continue;
        canvas.addMarker(id, name);
        this.marked.push([id, name]);
      }
    }
  }
}
