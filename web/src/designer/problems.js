// The server's problems and warnings on the diagram: each pinned to the element it
// names (a marker and a badge), and listed beside the modeler; choosing an item of
// the list selects its element. The server names lanes by their name (a unit, role
// or @function) and whole-file problems by the process or definitions id.
const OVERLAY = "motcua-findings";
const MARKERS = { error: "problem-marker", warning: "warning-marker" };

function findElement(modeler, id) {
  if (!id) return null;
  const registry = modeler.get("elementRegistry");
  return registry.get(id)
    || registry.find((element) => element.type === "bpmn:Lane"
      && (element.businessObject.name || "").trim() === id)
    || registry.find((element) => element.type === "bpmn:Participant"
      && element.businessObject.processRef?.id === id)
    || null;
}

const marked = [];

export function unpin(modeler) {
  modeler.get("overlays").remove({ type: OVERLAY });
  const canvas = modeler.get("canvas");
  for (const [id, marker] of marked.splice(0)) canvas.removeMarker(id, marker);
}

function badge(kind, messages) {
  const node = document.createElement("span");
  node.className = `finding-badge finding-${kind}`;
  node.textContent = messages.length > 1 ? `!${messages.length}` : "!";
  node.title = messages.join("\n");
  return node;
}

/** Pin `items` ({element_id, line, message, field}) of `kind` (error, warning). */
function pin(modeler, items, kind) {
  const canvas = modeler.get("canvas");
  const byElement = new Map();
  const pinned = items.map((item) => {
    const element = findElement(modeler, item.element_id);
    if (element && element !== canvas.getRootElement()) {
      if (!byElement.has(element)) byElement.set(element, []);
      byElement.get(element).push(item.message);
    }
    return { item, element };
  });
  for (const [element, messages] of byElement) {
    canvas.addMarker(element.id, MARKERS[kind]);
    marked.push([element.id, MARKERS[kind]]);
    modeler.get("overlays").add(element.id, OVERLAY, {
      position: { top: -10, right: 10 }, html: badge(kind, messages) });
  }
  return pinned;
}

function describe(item, element, texts) {
  const name = element?.businessObject?.name;
  const where = item.element_id || item.field || "";
  const line = item.line ? ` (${texts.line.replace("{line}", item.line)})` : "";
  return [where + (name && name !== where ? ` · ${name}` : ""), `${item.message}${line}`];
}

function entry(where, what, element, modeler) {
  const li = document.createElement("li");
  if (!where) {
    li.textContent = what;
    return li;
  }
  const target = document.createElement(element ? "button" : "strong");
  target.textContent = where;
  if (element) {
    target.type = "button";
    target.className = "link";
    target.dataset.elementId = element.id;
    target.addEventListener("click", () => {
      modeler.get("selection").select(element);
      modeler.get("canvas").scrollToElement(element);
    });
  }
  li.append(target, document.createTextNode(`: ${what}`));
  return li;
}

function list(modeler, pinned, texts) {
  const ol = document.createElement("ol");
  for (const { item, element } of pinned) {
    const [where, what] = describe(item, element, texts);
    ol.append(entry(where, what, element, modeler));
  }
  return ol;
}

/** Show `errors` and `warnings` on the diagram and in `box` (cleared when both are empty). */
export function showFindings(modeler, box, { errors = [], warnings = [] }, texts) {
  unpin(modeler);
  box.replaceChildren();
  box.hidden = !errors.length && !warnings.length;
  for (const [kind, items, heading, css] of [["error", errors, texts.problems, "problem"],
    ["warning", warnings, texts.warnings, "warning"]]) {
    if (!items.length) continue;
    const section = document.createElement("div");
    section.className = `findings ${css}`;
    if (kind === "error") section.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.textContent = heading;
    section.append(title, list(modeler, pin(modeler, items, kind), texts));
    box.append(section);
  }
}
