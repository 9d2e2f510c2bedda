// The build page of a report download: asks the server where the build stands every second,
// says so, and starts the download once the file is ready (the link stays for a second try).

const section = document.querySelector("[data-build-status]");

async function poll() {
  let status;
  try {
    const response = await fetch(section.dataset.buildStatus, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    status = await response.json();
  } catch {
    setTimeout(poll, 3000); // offline or the server restarting: keep asking, more slowly
    return;
  }
  section.dataset.state = status.state;
  const heading = document.querySelector("[data-build-heading]");
  if (heading && status.heading && heading.textContent !== status.heading) {
    document.title = document.title.replace(heading.textContent, status.heading);
    heading.textContent = status.heading;
  }
  section.querySelector("[data-build-message]").textContent = status.message;
  const reason = section.querySelector("[data-build-reason]");
  reason.textContent = status.reason || "";
  reason.hidden = !status.reason;
  if (status.file_url) {
    const link = section.querySelector("[data-build-file]");
    link.href = status.file_url;
    section.querySelector("[data-build-ready]").hidden = false;
    window.location.assign(status.file_url); // an attachment: the page stays
  } else if (status.state === "failed") {
    section.querySelector("[data-build-failed]").hidden = false;
  } else {
    setTimeout(poll, 1000);
  }
}

if (section) {
  const state = section.dataset.state;
  if (state === "done") {
    const link = section.querySelector("[data-build-file]");
    if (link.getAttribute("href")) window.location.assign(link.href);
  } else if (state !== "failed") {
    setTimeout(poll, 1000);
  }
}
