// Storefront client: renders the product grid and product pages from the JSON API.
// Scraped text is hostile: every value goes in through textContent / setAttribute, never innerHTML.
(function () {
  "use strict";
  var PAGE = 24;

  function yuan(price) {
    if (price === null || price === undefined) return "";
    return "¥" + Number(price).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function getJSON(url) {
    return fetch(url, {headers: {"Accept": "application/json"}}).then(function (res) {
      if (!res.ok) { var err = new Error("HTTP " + res.status); err.status = res.status; throw err; }
      return res.json();
    });
  }

  function initGrid(grid) {
    var button = document.getElementById("load-more");
    var offset = 0;
    var busy = false;
    var q = grid.getAttribute("data-q") || "";
    var query = q ? "&q=" + encodeURIComponent(q) : "";
    function load() {
      if (busy || offset === null) return;
      busy = true;
      getJSON("/api/products?offset=" + offset + "&limit=" + PAGE + query).then(function (data) {
        data.items.forEach(function (item) {
          var card = el("a", "card");
          card.setAttribute("href", item.url);
          card.appendChild(el("span", "card-title", item.title));
          card.appendChild(el("span", "card-price", yuan(item.price)));
          grid.appendChild(card);
        });
        offset = data.next_offset;
        if (offset === null) {
          if (button) button.remove();
          grid.setAttribute("data-complete", "true");
        }
      }).catch(function (err) {
        grid.setAttribute("data-error", String(err.status || "network"));
      }).then(function () { busy = false; });
    }
    if (button) button.addEventListener("click", load);
    load();
  }

  function initProduct(box) {
    var id = box.getAttribute("data-id");
    getJSON("/api/product/" + encodeURIComponent(id)).then(function (p) {
      box.textContent = "";
      box.appendChild(el("h1", "title", p.title));
      box.appendChild(el("div", "price", yuan(p.price)));
      var seller = el("div", "seller", p.seller.name);
      seller.setAttribute("data-seller-id", p.seller.id);
      box.appendChild(seller);
      box.appendChild(el("div", "ship-from", p.ship_from));
      box.appendChild(el("div", "shop-address", p.shop_address || ""));
      box.appendChild(el("div", "category", p.category));
      box.appendChild(el("div", "brand", p.brand));
      var gallery = el("div", "gallery-wrap");
      p.images.forEach(function (src) {
        var img = el("img", "gallery");
        img.setAttribute("src", src);
        img.setAttribute("alt", "商品图片");
        gallery.appendChild(img);
      });
      box.appendChild(gallery);
      box.appendChild(el("div", "description", p.description));
      box.setAttribute("data-ready", "true");
    }).catch(function (err) {
      box.setAttribute("data-error", String(err.status || "network"));
      box.textContent = "加载失败";
    });
  }

  var grid = document.getElementById("grid");
  if (grid) initGrid(grid);
  var product = document.getElementById("product");
  if (product) initProduct(product);
})();
