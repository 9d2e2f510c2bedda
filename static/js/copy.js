// Copy buttons beside a read-only value (invitation links, calendar addresses). Without JS the value
// stays a selectable read-only field, and the copy button stays hidden.

let status = null;

function announce(text) {
  if (!status) {
    status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.append(status);
  }
  status.textContent = "";
  setTimeout(() => { status.textContent = text; }, 50);
}

for (const button of document.querySelectorAll("[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    const label = button.textContent;
    const copied = button.dataset.copied || label;
    button.textContent = copied;
    announce(copied);
    setTimeout(() => { button.textContent = label; }, 2000);
  });
}
