// Shopper events for recommendations: the product cards a shopper sees and opens, sent in batches
// (POST /events, each with its own id so a retry is stored once). widget.js calls
// `AisleEvents.create(() => sessionId)` and hands `watchCard` each card it shows. A card scrolled
// into sight is an `impression` (shown, not chosen: it never counts as a view); opening it is a `click`.
window.AisleEvents = (() => {
  "use strict";

  function create(session) {
    const pendingEvents = [];
    const seenCards = new Set();  // one impression per product per page load
    let flushTimer = null;
    const viewObserver = "IntersectionObserver" in window
      ? new IntersectionObserver(onCardsVisible, { threshold: 0.6 }) : null;

    function eventId() {
      try { return crypto.randomUUID(); } catch { return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`; }
    }

    function watchCard(card, productId) {
      if (!productId) return;
      card.dataset.productId = productId;
      if (viewObserver) viewObserver.observe(card);
      card.addEventListener("click", () => { trackEvent("click", productId); flushEvents(); });
    }

    function onCardsVisible(entries) {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        viewObserver.unobserve(entry.target);
        const productId = entry.target.dataset.productId;
        if (seenCards.has(productId)) continue;
        seenCards.add(productId);
        trackEvent("impression", productId);
      }
    }

    function trackEvent(type, item) {
      pendingEvents.push({ id: eventId(), type, item, ts: Date.now() / 1000 });
      if (pendingEvents.length >= 20) flushEvents();
      else if (!flushTimer) flushTimer = setTimeout(flushEvents, 2000);
    }

    function flushEvents(leaving) {
      clearTimeout(flushTimer);
      flushTimer = null;
      if (!pendingEvents.length) return;
      const sessionId = session();
      if (!sessionId) { flushTimer = setTimeout(flushEvents, 2000); return; }
      const batch = pendingEvents.splice(0, 500);
      const body = JSON.stringify({ session_id: sessionId, events: batch });
      if (leaving && navigator.sendBeacon && navigator.sendBeacon("events", new Blob([body], { type: "application/json" }))) return;
      fetch("events", { method: "POST", headers: { "Content-Type": "application/json" }, body, keepalive: true })
        .then((response) => { if (response.status >= 500) throw new Error(String(response.status)); })
        .catch(() => { pendingEvents.unshift(...batch); flushTimer = flushTimer || setTimeout(flushEvents, 10000); });  // ids make retries safe
    }

    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flushEvents(true); });

    return { watchCard, track: (type, item) => { trackEvent(type, item || ""); flushEvents(); } };
  }

  return { create };
})();
