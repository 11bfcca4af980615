// The versions table (GET /procedures/{code}/versions), ten a page, the newest page
// first; each row opens its version in the modeler.
import { api, instant } from "../common.js";

const PER_PAGE = 10;

function cell(row, content, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.append(content);
  row.append(td);
  return td;
}

export class Versions {
  constructor({ code, texts, onOpen }) {
    Object.assign(this, { code, texts, onOpen });
    this.body = document.getElementById("versions-body");
    this.pager = document.getElementById("versions-pager");
    this.latest = null;
  }

  /** Show page `page` (the last page when none is given). */
  async show(page) {
    let answer = await api("GET", this.url(page || 1));
    if (!answer.ok) return;
    const last = Math.max(1, Math.ceil(answer.data.total / PER_PAGE));
    if (!page && last > 1) answer = await api("GET", this.url(last));
    this.render(answer.data, last);
  }

  url(page) {
    const code = encodeURIComponent(this.code);
    return `/procedures/${code}/versions?page=${page}&per_page=${PER_PAGE}`;
  }

  render(listing, last) {
    this.latest = listing.total;
    this.body.replaceChildren();
    if (!listing.items.length) {
      const row = document.createElement("tr");
      cell(row, this.texts.no_versions).colSpan = 6;
      this.body.append(row);
    }
    for (const version of listing.items) this.body.append(this.row(version, listing.total));
    this.paging(listing, last);
  }

  row(version, newest) {
    const row = document.createElement("tr");
    row.dataset.version = version.version;
    const number = document.createElement("strong");
    number.textContent = version.version;
    const first = cell(row, number);
    if (version.version === newest) {
      const tag = document.createElement("span");
      tag.className = "status";
      tag.textContent = this.texts.active;
      first.append(" ", tag);
    }
    cell(row, instant(version.deployed_at), "nowrap");
    cell(row, version.deployed_by || "");
    cell(row, version.process_id || "", "codes");
    cell(row, (version.checksum || "").slice(0, 12), "codes");
    const open = document.createElement("button");
    open.type = "button";
    open.className = "secondary";
    open.textContent = this.texts.open;
    open.setAttribute("aria-label", `${this.texts.open} ${version.version}`);
    open.addEventListener("click", () => this.onOpen(version.version, open));
    cell(row, open);
    return row;
  }

  paging(listing, last) {
    this.pager.replaceChildren();
    if (last < 2) return;
    for (let page = 1; page <= last; page += 1) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = page;
      if (page === listing.page) button.setAttribute("aria-current", "page");
      button.addEventListener("click", () => this.show(page));
      this.pager.append(button);
    }
  }
}
