// The administrator's page (`/admin`): the forms of its three tabs call the JSON
// API (users, units, calendar overrides); the server's problems appear beside the
// fields, and a success reloads the tab with a notice naming what was done.
import { api, busy, clearProblem, pageData, showProblem } from "./common.js";
import "./admin.css";

const text = (form, name) => (form.elements[name]?.value || "").trim();
const orNull = (value) => value || null;
const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)]
  .map((input) => input.value);
const selected = (select) => [...select.selectedOptions].map((option) => option.value);

/** Reload this tab with `params` (e.g. the notice to show), keeping the others. */
function reloadWith(params) {
  const url = new URL(window.location.href);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  window.location.assign(url.toString());
}

/** On submit: `request(form)` resolves to [answer, params]; success reloads with `params`. */
function handle(form, request) {
  if (!form) return;
  const box = form.querySelector(".problem");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblem(box, form);
    await busy(form.querySelector("button[type=submit]"), async () => {
      const [answer, params] = await request(form);
      if (answer.ok) reloadWith(params);
      else showProblem(box, answer.data, form);
    });
  });
}

// Dialogs: a button `data-open="<dialog id>"` opens one, `data-close` inside closes it.
document.querySelectorAll("[data-open]").forEach((button) => {
  const dialog = document.getElementById(button.dataset.open);
  button.addEventListener("click", () => dialog.showModal());
});
document.querySelectorAll("dialog [data-close]").forEach((button) => {
  button.addEventListener("click", () => button.closest("dialog").close());
});

handle(document.getElementById("new-user"), async (form) => {
  const body = { username: text(form, "username"), password: form.elements.password.value,
    full_name: text(form, "full_name"), email: orNull(text(form, "email")),
    roles: checked(form, "role"), units: selected(form.elements.units) };
  return [await api("POST", "/users", body), { done: "user_created", name: body.username }];
});

function editUsers() {
  const dialog = document.getElementById("edit-user");
  if (!dialog) return;
  const form = dialog.querySelector("form");
  const users = pageData().users || [];
  let username = null;
  document.querySelectorAll("[data-edit-user]").forEach((button) => {
    button.addEventListener("click", () => {
      const user = users[Number(button.dataset.editUser)];
      username = user.username;
      clearProblem(form.querySelector(".problem"), form);
      dialog.querySelector("[data-username]").textContent = user.username;
      form.elements.full_name.value = user.full_name || "";
      form.elements.email.value = user.email || "";
      form.querySelectorAll('input[name="role"]').forEach((box) => {
        box.checked = user.roles.includes(box.value);
      });
      [...form.elements.units.options].forEach((option) => {
        option.selected = user.units.includes(option.value);
      });
      form.elements.active.checked = user.active;
      form.elements.password.value = "";
      dialog.showModal();
    });
  });
  handle(form, async () => {
    const body = { full_name: text(form, "full_name"), email: orNull(text(form, "email")),
      roles: checked(form, "role"), units: selected(form.elements.units),
      active: form.elements.active.checked };
    if (form.elements.password.value) body.password = form.elements.password.value;
    const answer = await api("PATCH", `/users/${encodeURIComponent(username)}`, body);
    return [answer, { done: "user_changed", name: username }];
  });
}
editUsers();

handle(document.getElementById("new-unit"), async (form) => {
  const body = { code: text(form, "code"), name: text(form, "name"),
    parent: orNull(text(form, "parent")), agency_code: orNull(text(form, "agency_code")),
    function: orNull(text(form, "function")) };
  return [await api("POST", "/units", body), { done: "unit_created", name: body.code }];
});

function editUnits() {
  const dialog = document.getElementById("edit-unit");
  if (!dialog) return;
  const form = dialog.querySelector("form");
  let code = null;
  document.querySelectorAll("[data-edit-unit]").forEach((button) => {
    button.addEventListener("click", () => {
      code = button.dataset.editUnit;
      clearProblem(form.querySelector(".problem"), form);
      dialog.querySelector("[data-code]").textContent = code;
      form.elements.function.value = button.dataset.function || "";
      dialog.showModal();
    });
  });
  handle(form, async () => {
    const body = { function: orNull(text(form, "function")) };
    const answer = await api("PATCH", `/units/${encodeURIComponent(code)}`, body);
    return [answer, { done: "unit_changed", name: code }];
  });
}
editUnits();

/** `dd/mm/yyyy` (as people write dates here) to ISO; anything else goes as typed, for
 * the server to refuse beside the field. */
function isoDate(value) {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  return match ? `${match[3]}-${match[2].padStart(2, "0")}-${match[1].padStart(2, "0")}` : value;
}

handle(document.getElementById("new-override"), async (form) => {
  const body = { date: isoDate(text(form, "date")), kind: text(form, "kind"),
    reason: text(form, "reason") };
  return [await api("POST", "/calendar/overrides", body), { done: "override_added",
    name: body.date }];
});

const overridesProblem = document.getElementById("overrides-problem");
document.querySelectorAll("[data-remove-override]").forEach((button) => {
  button.addEventListener("click", () => busy(button, async () => {
    const day = button.dataset.removeOverride;
    const answer = await api("DELETE", "/calendar/overrides", { date: day });
    if (answer.ok) reloadWith({ done: "override_removed", name: day });
    else showProblem(overridesProblem, answer.data);
  }));
});

// Buttons that need this script are disabled in the page until it runs (a form
// submitted without it would put its fields, a password too, in the address).
document.querySelectorAll("[data-needs-script]").forEach((button) => { button.disabled = false; });
