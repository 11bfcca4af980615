// The public pages (`/`, `/track`): plain forms and links that work without a
// script; this entry brings the shared behaviour (a submitted search shows it is
// working) and the pages' styles.
import "./common.js";
import "./public.css";
