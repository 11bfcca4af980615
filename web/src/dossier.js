// The dossier pages (filled by their page family).
import "./common.js";
