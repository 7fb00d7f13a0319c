// Aisle chat widget: the cart badge in the header and the cart view it opens (lines, total, checkout).
// `window.AisleCart.create({ onCheckout })` returns `update(cart)`; widget.js hands it the `cart` of each
// bot message ({count, total, currency, lines: [{title, size, quantity, unit_price, total}], checkout_url}).
window.AisleCart = (() => {
  "use strict";

  const { el, safeUrl, formatPrice } = window.AisleCards;

  function cartIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M3 4h2.2l2.3 10.2a1.5 1.5 0 0 0 1.5 1.2h8.3a1.5 1.5 0 0 0 1.5-1.1L20.5 8H6.4M9.5 20a1.3 1.3 0 1 0 0-.01M17 20a1.3 1.3 0 1 0 0-.01");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "1.8");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
    return svg;
  }

  function create({ onCheckout }) {
    let updates = 0;
    const button = el("button", "cart-button");
    button.type = "button";
    button.setAttribute("aria-controls", "cart-panel");
    button.setAttribute("aria-expanded", "false");
    const badge = el("span", "cart-count", "0");
    badge.hidden = true;
    button.append(cartIcon(), badge);
    const panel = el("section", "cart-panel");
    panel.id = "cart-panel";
    panel.hidden = true;
    panel.setAttribute("aria-label", "Your cart");
    document.querySelector(".chat-header").append(button);
    document.querySelector(".chat-header").after(panel);
    button.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      button.setAttribute("aria-expanded", String(!panel.hidden));
    });
    update({ count: 0, lines: [] });

    function lineItem(line, currency) {
      const item = el("li", "cart-line");
      const what = el("div", "cart-line-what");
      what.append(el("span", "cart-line-title", line.title));
      if (line.size) what.append(el("span", "cart-line-size", `Size ${line.size}`));
      item.append(what, el("span", "cart-line-quantity", `${line.quantity} × ${formatPrice(line.unit_price, currency)}`),
        el("span", "cart-line-total", formatPrice(line.total, currency)));
      return item;
    }

    function update(cart) {
      button.dataset.updates = String(updates++);  // how many carts the widget has shown (tests wait on it)
      const count = Number(cart.count) || 0;
      badge.textContent = String(count);
      badge.hidden = count === 0;
      button.setAttribute("aria-label", `Your cart, ${count} ${count === 1 ? "item" : "items"}`);
      panel.replaceChildren(el("h2", "cart-heading", "Your cart"));
      const lines = cart.lines || [];
      if (!lines.length) { panel.append(el("p", "cart-empty", "Your cart is empty.")); return; }
      const list = el("ul", "cart-lines");
      lines.forEach((line) => list.append(lineItem(line, cart.currency)));
      const total = el("p", "cart-total");
      total.append(el("span", "", "Total"), el("strong", "cart-total-amount", formatPrice(cart.total, cart.currency)));
      panel.append(list, total);
      const href = safeUrl(cart.checkout_url);
      if (href) {
        const checkout = el("a", "cart-checkout", "Checkout");
        checkout.href = href;
        checkout.target = "_blank";
        checkout.rel = "noopener noreferrer";
        checkout.addEventListener("click", () => onCheckout(count));
        panel.append(checkout);
      }
    }

    return { update };
  }

  return { create };
})();
