// Write keys on the source and plan pages: reveal a key on request, then copy it.
// The page holds only the masked key; "Reveal" fetches the full one (without JavaScript
// the same link opens a page showing it).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".tpg-write-key").forEach((box) => {
    const value = box.querySelector("code");
    const reveal = box.querySelector(".tpg-reveal");
    const copy = box.querySelector(".tpg-copy");
    const status = box.querySelector(".tpg-write-key-status");
    if (!value || !reveal || !copy || !status) {
      return;
    }

    reveal.addEventListener("click", async (event) => {
      event.preventDefault();
      try {
        const response = await fetch(reveal.href, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          cache: "no-store",
        });
        if (!response.ok) {
          throw new Error(`HTTP ${response.status}`);
        }
        const body = await response.json();
        value.textContent = body.write_key;
        reveal.hidden = true;
        copy.hidden = false;
        status.textContent = "";
      } catch {
        // A refusal, a lapsed session (the login page is not JSON) or the network.
        status.textContent = box.dataset.failed;
      }
    });

    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(value.textContent);
        status.textContent = box.dataset.copied;
      } catch {
        // No clipboard API here (a plain-HTTP origin) or no permission: select the key.
        window.getSelection().selectAllChildren(value);
        const copied = document.execCommand("copy");
        status.textContent = copied ? box.dataset.copied : box.dataset.selected;
      }
    });
  });
});
