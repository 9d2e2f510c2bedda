// Submit a form as soon as a `data-autosubmit` control changes; its button stays for pages without JS.

for (const control of document.querySelectorAll("[data-autosubmit]")) {
  const form = control.form;
  if (!form) continue;
  for (const button of form.querySelectorAll(".js-hidden")) button.hidden = true;
  control.addEventListener("change", () => form.requestSubmit ? form.requestSubmit() : form.submit());
}
