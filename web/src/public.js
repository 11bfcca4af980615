// The public pages (filled by their page family).
import "./common.js";
