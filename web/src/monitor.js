// The monitor pages (filled by their page family).
import "./common.js";
