// The bpmn-js Modeler with the properties panel for Camunda 7 attributes, which is
// what the engine reads (engine/bpmn/extract.py): lanes and `camunda:candidateGroups`,
// `camunda:formKey`, the `allotment` extension property (camunda:properties) and
// timer definitions. Groups of a Camunda engine the platform does not run are left
// out, the panel's labels follow the page's language, and typing in the panel can be
// flushed before the diagram is saved (validate and deploy send what is on screen).
import Modeler from "bpmn-js/lib/Modeler";
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
} from "bpmn-js-properties-panel";
import camundaModdle from "camunda-bpmn-moddle/resources/camunda.json";

// Camunda 7 engine settings that SpiffWorkflow does not read: hidden, not to mislead.
const UNUSED_GROUPS = new Set([
  "CamundaPlatform__AsynchronousContinuations", "CamundaPlatform__JobExecution",
  "CamundaPlatform__Input", "CamundaPlatform__Output", "CamundaPlatform__ExecutionListener",
  "CamundaPlatform__TaskListener", "CamundaPlatform__HistoryCleanup",
  "CamundaPlatform__Tasklist", "CamundaPlatform__CandidateStarter",
  "CamundaPlatform__ExternalTask", "CamundaPlatform__FieldInjection",
  "CamundaPlatform__ConnectorInput", "CamundaPlatform__ConnectorOutput",
  "CamundaPlatform__InMapping", "CamundaPlatform__OutMapping",
  "CamundaPlatform__InMappingPropagation", "CamundaPlatform__OutMappingPropagation",
  "CamundaPlatform__FormData", "CamundaPlatform__StartInitiator",
]);

function MotcuaGroups(propertiesPanel) {
  this.getGroups = () => (groups) => groups.filter((group) => !UNUSED_GROUPS.has(group.id));
  propertiesPanel.registerProvider(100, this); // after every other provider
}
MotcuaGroups.$inject = ["propertiesPanel"];

// Typing in the panel is debounced; `flushInputs()` applies what is still pending.
const pending = new Set();
function flushableDebounce() {
  return (fn) => {
    let timer = null;
    let args = [];
    const run = () => {
      clearTimeout(timer);
      if (pending.delete(run)) fn(...args);
    };
    const debounced = (...given) => {
      args = given;
      clearTimeout(timer);
      pending.add(run);
      timer = setTimeout(run, 300);
    };
    debounced.flush = run;
    debounced.cancel = () => { clearTimeout(timer); pending.delete(run); };
    return debounced;
  };
}

export function flushInputs() {
  for (const run of [...pending]) run();
}

function translator(texts) {
  return (template, replacements = {}) => (texts[template] || template)
    .replace(/{([^}]+)}/g, (_, key) => (key in replacements ? replacements[key] : `{${key}}`));
}

/** A modeler drawing in `canvas`, its properties panel in `properties`. */
export function createModeler(canvas, properties, panelTexts) {
  return new Modeler({
    container: canvas,
    propertiesPanel: { parent: properties },
    additionalModules: [
      BpmnPropertiesPanelModule, BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      { __init__: ["motcuaGroups"], motcuaGroups: ["type", MotcuaGroups] },
      { debounceInput: ["factory", flushableDebounce] },
      { translate: ["value", translator(panelTexts || {})] },
    ],
    moddleExtensions: { camunda: camundaModdle },
  });
}

/** Show the whole diagram, clear of the palette on the left (`left` pixels). */
export function fitBeside(canvas, left = 120) {
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) return;
  const scale = Math.min((outer.width - left - 20) / inner.width,
    (outer.height - 40) / inner.height, 1);
  canvas.viewbox({ x: inner.x - left / scale, y: inner.y - 20 / scale,
    width: outer.width / scale, height: outer.height / scale });
}

/** An empty diagram (one start event): where a procedure without versions starts. */
export const BLANK = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Definitions_1" targetNamespace="http://motcua.vn/bpmn">
  <bpmn:process id="Process_1" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_1">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
