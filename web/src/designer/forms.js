// The forms tab: the form-js editor on the forms of the version open in the
// modeler (their definitions from /designer/<code>/versions/<n>/forms), and new
// ones. A form edited here is kept, and sent with the next validation and deployment
// (the server stores it with the new version; the others stay as deployed before).
// The editor's code loads when a form is first opened.

const KEY = /^[A-Za-z0-9_-]{1,64}$/;

export class Forms {
  constructor({ code, texts }) {
    Object.assign(this, { code, texts });
    this.available = {};
    this.pending = new Map(); // key -> schema to send
    this.editor = null;
    this.current = null;
    this.baseline = null;
    this.choice = document.getElementById("form-choice");
    this.problem = document.getElementById("form-problem");
    this.pendingBox = document.getElementById("form-pending");
    this.editing = document.getElementById("form-editing");
    document.getElementById("form-open")
      .addEventListener("click", () => this.open(this.choice.value));
    document.getElementById("form-new").addEventListener("click", () => this.create());
    this.renderPending();
  }

  /** The forms of version `number` (none for a procedure without versions). */
  async load(number) {
    this.available = {};
    if (number) {
      const url = `/designer/${encodeURIComponent(this.code)}/versions/${number}/forms`;
      const response = await fetch(url,
        { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) this.available = await response.json();
    }
    this.renderChoice();
  }

  renderChoice() {
    const keys = [...new Set([...Object.keys(this.available), ...this.pending.keys()])].sort();
    this.choice.replaceChildren(...keys.map((key) => new Option(key, key)));
    if (!keys.length) this.choice.append(new Option(this.texts.no_forms, ""));
  }

  say(text) {
    this.problem.hidden = !text;
    this.problem.textContent = text || "";
  }

  async ensureEditor() {
    if (this.editor) return this.editor;
    const { FormEditor } = await import("@bpmn-io/form-js"); // loaded when first needed
    this.editor = new FormEditor({ container: document.getElementById("form-editor") });
    this.editor.on("changed", () => this.changed());
    return this.editor;
  }

  async open(key) {
    this.say("");
    const schema = this.pending.get(key) || this.available[key];
    if (!schema) return;
    const editor = await this.ensureEditor();
    this.current = null; // what the import changes is not an edit
    await editor.importSchema(structuredClone(schema));
    this.current = key;
    this.baseline = JSON.stringify(editor.saveSchema());
    this.editing.textContent = key;
    this.choice.value = key;
  }

  changed() {
    if (!this.current) return;
    const schema = this.editor.saveSchema();
    if (!this.pending.has(this.current) && JSON.stringify(schema) === this.baseline) return;
    this.pending.set(this.current, schema);
    this.renderPending();
  }

  async create() {
    const input = document.getElementById("form-new-key");
    const key = input.value.trim();
    if (!KEY.test(key)) return this.say(this.texts.form_key_needed);
    if (this.pending.has(key) || this.available[key]) return this.say(this.texts.form_exists);
    this.pending.set(key, { type: "default", id: key, components: [] });
    input.value = "";
    this.renderChoice();
    this.renderPending();
    return this.open(key);
  }

  renderPending() {
    const keys = [...this.pending.keys()].sort();
    this.pendingBox.replaceChildren(keys.length ? this.texts.form_pending : this.texts.no_pending);
    for (const key of keys) {
      const item = document.createElement("span");
      item.className = "pending-form";
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "secondary small";
      drop.textContent = this.texts.remove;
      drop.setAttribute("aria-label", `${this.texts.remove} ${key}`);
      drop.addEventListener("click", () => {
        this.pending.delete(key);
        this.renderChoice();
        this.renderPending();
      });
      item.append(` ${key} `, drop);
      this.pendingBox.append(item);
    }
  }

  /** The forms to upload: each edited form as a JSON file. */
  files() {
    if (this.editor && this.current && this.pending.has(this.current)) {
      this.pending.set(this.current, this.editor.saveSchema());
    }
    return [...this.pending.values()].map((schema) => new Blob([JSON.stringify(schema)],
      { type: "application/json" }));
  }

  /** After a deployment: the sent forms are now the version's own. */
  async deployed(number) {
    this.pending.clear();
    this.renderPending();
    await this.load(number);
  }
}
