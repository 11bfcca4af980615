// The inbox pages (filled by their page family).
import "./common.js";
