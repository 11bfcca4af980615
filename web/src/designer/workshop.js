// One procedure's workshop (/designer/<code>): the modeler loaded with the active
// version, "Validate" (POST /procedures/{code}/validate: nothing is stored) and
// "Deploy" (POST /procedures/{code}/versions) sending the diagram on screen with the
// forms edited in the forms tab; the server's problems pinned to their elements; the
// versions table, the form editor and the comparison of two versions in tabs.
import { api, busy, pageData, showProblem } from "../common.js";
import { BLANK, createModeler, fitBeside, flushInputs } from "./modeler.js";
import { showFindings, unpin } from "./problems.js";
import { Versions } from "./versions.js";
import { Forms } from "./forms.js";
import { Changes, fetchXml } from "./changes.js";

const $ = (id) => document.getElementById(id);

class Workshop {
  constructor(data) {
    this.data = data;
    this.texts = data.texts;
    this.code = data.code;
    this.modeler = createModeler($("canvas"), $("properties"), data.panel);
    this.outcome = $("outcome");
    this.versions = new Versions({ code: this.code, texts: this.texts,
      onOpen: (n, button) => busy(button, () => this.open(n)) });
    this.forms = new Forms({ code: this.code, texts: this.texts });
    this.changes = new Changes({ code: this.code, texts: this.texts });
    for (const action of ["validate", "deploy"]) {
      $(action).addEventListener("click", () => busy($(action), () => this.send(action)));
    }
    $("diagram-file").addEventListener("change", (event) => this.openFile(event.target));
    $("download").addEventListener("click", () => this.download());
    $("compare").addEventListener("submit", (event) => this.compare(event));
    this.tabs();
    this.fillCompare();
  }

  say(kind, text) {
    this.outcome.replaceChildren();
    if (!text) return;
    const box = document.createElement("p");
    box.className = kind;
    box.setAttribute("role", kind === "problem" ? "alert" : "status");
    box.textContent = text;
    this.outcome.append(box);
  }

  async start() {
    await Promise.all([this.open(this.data.active), this.versions.show()]);
  }

  /** Open version `number` in the modeler (a blank diagram when there is none). */
  async open(number) {
    this.say("", "");
    try {
      await this.show(number ? await fetchXml(this.code, number) : BLANK);
    } catch (error) {
      this.say("problem", `${this.texts.unreadable} ${error.message}`);
      return;
    }
    this.loaded = number;
    $("loaded").textContent = number ? this.texts.loaded.replace("{n}", number) : this.texts.blank;
    await this.forms.load(number);
  }

  async show(xml) {
    unpin(this.modeler);
    showFindings(this.modeler, $("findings"), {}, this.texts);
    await this.modeler.importXML(xml);
    fitBeside(this.modeler.get("canvas"));
  }

  async openFile(input) {
    const file = input.files[0];
    if (!file) return;
    try {
      await this.show(await file.text());
      $("loaded").textContent = "";
      this.say("notice", this.texts.file_loaded.replace("{name}", file.name));
    } catch (error) {
      this.say("problem", `${this.texts.unreadable} ${error.message}`);
    }
    input.value = "";
  }

  async download() {
    flushInputs();
    const { xml } = await this.modeler.saveXML({ format: true });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
    link.download = `${this.code}.bpmn`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  /** Validate or deploy what is on screen: the diagram and the edited forms. */
  async send(action) {
    flushInputs();
    this.say("", "");
    const { xml } = await this.modeler.saveXML({ format: true });
    const body = new FormData();
    body.append("file", new Blob([xml], { type: "application/xml" }), `${this.code}.bpmn`);
    this.forms.files().forEach((file, index) => body.append("forms", file, `form-${index}.json`));
    const code = encodeURIComponent(this.code);
    const path = `/procedures/${code}/${action === "deploy" ? "versions" : "validate"}`;
    const answer = await api("POST", path, body);
    showFindings(this.modeler, $("findings"), {
      warnings: answer.ok ? answer.data.warnings || [] : [],
      errors: answer.ok ? [] : answer.data?.errors || [] }, this.texts);
    if (!answer.ok) { // the errors are listed beside the diagram; here what the answer says
      const box = document.createElement("p");
      box.className = "problem";
      box.setAttribute("role", "alert");
      this.outcome.replaceChildren(box);
      showProblem(box, { ...answer.data, errors: [] });
      return;
    }
    if (action === "validate") {
      this.say("notice", this.texts.validated);
      return;
    }
    await this.deployed(answer.data.version);
  }

  async deployed(number) {
    this.say("notice", this.texts.deployed.replace("{n}", number));
    this.loaded = number;
    $("loaded").textContent = this.texts.loaded.replace("{n}", number);
    $("head-active").textContent = this.texts.active_version.replace("{n}", number);
    this.data.versions.push(number);
    this.fillCompare();
    await Promise.all([this.versions.show(), this.forms.deployed(number)]);
  }

  fillCompare() {
    const numbers = this.data.versions;
    const picks = [["compare-from", numbers.length - 2], ["compare-to", numbers.length - 1]];
    for (const [id, pick] of picks) {
      $(id).replaceChildren(...numbers.map((n) => new Option(n, n)));
      if (pick >= 0) $(id).value = numbers[pick];
    }
  }

  async compare(event) {
    event.preventDefault();
    const box = $("compare-problem");
    const [from, to] = [$("compare-from").value, $("compare-to").value];
    box.hidden = true;
    if (!from || !to || from === to) {
      box.hidden = false;
      box.textContent = this.texts.same_version;
      return;
    }
    await busy(event.submitter || event.target.querySelector("button"), async () => {
      try {
        await this.changes.compare(Number(from), Number(to));
      } catch (error) {
        box.hidden = false;
        box.textContent = `${this.texts.unreadable} ${error.message}`;
      }
    });
  }

  tabs() {
    const tabs = [...document.querySelectorAll('[role="tab"]')];
    for (const tab of tabs) {
      tab.addEventListener("click", () => {
        for (const other of tabs) {
          other.setAttribute("aria-selected", String(other === tab));
          $(other.getAttribute("aria-controls")).hidden = other !== tab;
        }
      });
    }
  }
}

export function start() {
  const workshop = new Workshop(pageData());
  window.motcuaWorkshop = workshop; // for people and tests poking at the modeler
  return workshop.start();
}
