// The server's verdict on a form, as form-js's validator.
//
// The server validates a step's data against the same form definition form-js
// renders (forms/validate.py); its field errors come back in the page's language.
// form-js's own checks say the same things, in English only, so this module
// replaces form-js's `validator` service: a field shows what the server said about
// the value it was sent, until that value changes. `Form.validate()` (public) then
// puts the messages into form-js's error state, beside each field, the way form-js
// shows its own.

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A problem's field name as a form-js value path ("items.0.name"). */
export const fieldPath = (field) => String(field || "").replace(/^(body|json|data)\./, "");

export class ServerVerdict {
  constructor() {
    this.verdicts = new Map();
  }

  /** Keep the server's `errors` about `data` (the data it was sent). */
  judge(errors, data) {
    this.verdicts.clear();
    for (const error of errors || []) {
      const path = fieldPath(error.field);
      const value = path.split(".").reduce((node, key) => node?.[key], data);
      const known = this.verdicts.get(path);
      if (known) known.messages.push(error.message);
      else this.verdicts.set(path, { value, messages: [error.message] });
    }
  }

  clear() {
    this.verdicts.clear();
  }

  validateFieldInstance(fieldInstance, value) {
    const verdict = this.verdicts.get((fieldInstance.valuePath || []).join("."));
    return verdict && same(verdict.value, value) ? [...verdict.messages] : [];
  }

  /** form-js's older entry point (by field definition): the same verdicts, by key. */
  validateField(field, value) {
    return this.validateFieldInstance({ valuePath: [field.key] }, value);
  }
}

ServerVerdict.$inject = [];

export const verdictModule = { validator: ["type", ServerVerdict] };
