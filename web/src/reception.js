// The reception desk (`/reception`): the walk-in form, the desk's lists and one
// dossier at the desk. Texts and limits come from the page's data.
import "./reception.css";
import { pageData } from "./common.js";
import { setUpActions } from "./reception/actions.js";
import { setUpWalkIn } from "./reception/walkin.js";

const data = pageData();
setUpWalkIn(data);
setUpActions(data);
// Controls that need this script come disabled in the page: usable from now on.
for (const control of document.querySelectorAll("[data-ready]")) control.disabled = false;
