// Dashboard tables that sort, search and page (50 rows a page), plus small form helpers.
// Progressive: without JavaScript every row is in the page and every form still submits.
(function () {
  "use strict";
  var PAGE = 50;
  var SEARCH_FROM = 8;  // a search box over a handful of rows is clutter
  var lang = document.documentElement.lang || "vi";
  var text = {
    vi: {search: "Tìm trong bảng", prev: "‹ Trước", next: "Sau ›", page: "Trang {p}/{n} · {r} dòng"},
    en: {search: "Search the table", prev: "‹ Previous", next: "Next ›", page: "Page {p} of {n} · {r} rows"}
  }[lang] || null;
  if (!text) { text = {search: "Search", prev: "‹", next: "›", page: "{p}/{n} · {r}"}; }
  var collator = new Intl.Collator(lang, {numeric: true, sensitivity: "base"});

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  // Numbers (data-sort holds raw ones) compare as numbers; anything else, ISO dates included, as text.
  function compare(a, b) {
    var x = a === "" ? NaN : Number(a), y = b === "" ? NaN : Number(b);
    if (!isNaN(x) && !isNaN(y)) { return x - y; }
    return collator.compare(a, b);
  }

  function normalise(value) {
    return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function enhance(table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var state = {page: 0, query: "", sortIndex: -1, ascending: true};

    var tools = document.createElement("div");
    tools.className = "table-tools";
    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = text.search;
    search.setAttribute("aria-label", text.search);
    tools.appendChild(search);
    table.parentNode.insertBefore(tools, table);
    tools.hidden = rows.length < SEARCH_FROM;

    var pager = document.createElement("div");
    pager.className = "pager";
    var prev = document.createElement("button");
    prev.type = "button"; prev.textContent = text.prev;
    var status = document.createElement("span");
    status.setAttribute("aria-live", "polite");
    var next = document.createElement("button");
    next.type = "button"; next.textContent = text.next;
    pager.appendChild(prev); pager.appendChild(status); pager.appendChild(next);
    table.parentNode.insertBefore(pager, table.nextSibling);

    function matching() {
      if (!state.query) { return rows; }
      return rows.filter(function (row) { return normalise(row.textContent).indexOf(state.query) !== -1; });
    }

    function render() {
      var shown = matching();
      var pages = Math.max(1, Math.ceil(shown.length / PAGE));
      state.page = Math.min(state.page, pages - 1);
      var first = state.page * PAGE, visible = shown.slice(first, first + PAGE);
      rows.forEach(function (row) { row.hidden = true; });
      visible.forEach(function (row) { row.hidden = false; body.appendChild(row); });
      status.textContent = text.page.replace("{p}", state.page + 1).replace("{n}", pages).replace("{r}", shown.length);
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      pager.hidden = shown.length <= PAGE;
    }

    Array.prototype.forEach.call(table.tHead ? table.tHead.rows[0].cells : [], function (header, index) {
      if (header.hasAttribute("data-nosort")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      header.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        state.ascending = state.sortIndex === index ? !state.ascending : true;
        state.sortIndex = index;
        rows.sort(function (a, b) {
          var order = compare(cellValue(a, index), cellValue(b, index));
          return state.ascending ? order : -order;
        });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
          if (other.hasAttribute("aria-sort")) { other.setAttribute("aria-sort", "none"); }
        });
        header.setAttribute("aria-sort", state.ascending ? "ascending" : "descending");
        state.page = 0;
        render();
      });
    });

    search.addEventListener("input", function () { state.query = normalise(search.value.trim()); state.page = 0; render(); });
    prev.addEventListener("click", function () { state.page -= 1; render(); });
    next.addEventListener("click", function () { state.page += 1; render(); });
    render();
  }

  document.querySelectorAll("table[data-table]").forEach(enhance);
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
