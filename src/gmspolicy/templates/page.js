(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });

  function keyOf(cell) {
    if (cell.hasAttribute("data-key")) {
      return { ordinal: true, value: cell.getAttribute("data-key") };
    }
    var text = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    return { ordinal: false, value: text.trim() };
  }

  function compare(a, b) {
    if (a.ordinal && b.ordinal) {
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    }
    return collator.compare(a.value, b.value);
  }

  function sortBy(table, col, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var c = compare(keyOf(x.cells[col]), keyOf(y.cells[col]));
      if (direction === "descending") {
        c = -c;
      }
      if (c === 0) {
        c = Number(x.getAttribute("data-index")) - Number(y.getAttribute("data-index"));
      }
      return c;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.setAttribute("aria-sort", i === col ? direction : "none");
    });
  }

  function filter(table, query) {
    var q = query.trim().toLocaleLowerCase();
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var columns = null;
    if (q && table.classList.contains("matrix")) {
      var hits = heads.map(function (th) {
        var name = th.getAttribute("data-name");
        return name !== null && name.toLocaleLowerCase().indexOf(q) !== -1;
      });
      if (hits.some(Boolean)) {
        columns = hits;
      }
    }
    heads.forEach(function (th, i) {
      th.hidden = columns !== null && i > 0 && !columns[i];
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, i) {
        cell.hidden = columns !== null && i > 0 && !columns[i];
      });
      var text = (row.getAttribute("data-search") || "").toLocaleLowerCase();
      row.hidden = columns === null && q !== "" && text.indexOf(q) === -1;
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    Array.prototype.forEach.call(table.tHead.querySelectorAll("button[data-col]"), function (btn) {
      btn.addEventListener("click", function () {
        var th = btn.parentNode;
        var next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortBy(table, Number(btn.getAttribute("data-col")), next);
      });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-for]"), function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-for"));
    if (!table) {
      return;
    }
    input.addEventListener("input", function () {
      filter(table, input.value);
    });
    input.closest(".controls").hidden = false;
  });
  Array.prototype.forEach.call(document.querySelectorAll(".hint"), function (hint) {
    hint.hidden = false;
  });
})();
