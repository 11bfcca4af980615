// The designer's pages: the catalogue's form creating a procedure, and one
// procedure's workshop (modeler, validate, deploy, forms, versions, changes),
// loaded only on the page that has it.
import "./common.js";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import "@bpmn-io/form-js/dist/assets/form-js.css";
import "@bpmn-io/form-js/dist/assets/form-js-editor.css";
import "./designer.css";

if (document.getElementById("new-procedure")) {
  import("./designer/catalogue.js").then((module) => module.start());
}
if (document.getElementById("workshop")) {
  import("./designer/workshop.js").then((module) => module.start());
}
