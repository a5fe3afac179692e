// The metric form: show only the definition fields of the chosen kind (and composite form);
// on a new metric, reload when the plan changes so the choices come from that plan.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const kind = document.getElementById("id_kind");
  const form = document.getElementById("id_composite_form");
  const sections = document.querySelectorAll("fieldset.metric-kind");
  if (!kind) {
    return;
  }

  function show() {
    sections.forEach((section) => {
      const ofKind = section.classList.contains(`metric-kind-${kind.value}`);
      const forms = [...section.classList].filter((c) => c.startsWith("metric-form-"));
      const ofForm = forms.length === 0 || (form && forms.includes(`metric-form-${form.value}`));
      section.hidden = !(ofKind && ofForm);
    });
  }

  kind.addEventListener("change", show);
  if (form) {
    form.addEventListener("change", show);
  }
  show();

  const plan = document.querySelector("select#id_plan");
  if (plan) {
    plan.addEventListener("change", () => {
      const url = new URL(window.location.href);
      url.searchParams.set("plan", plan.value);
      window.location.assign(url.toString());
    });
  }
});
