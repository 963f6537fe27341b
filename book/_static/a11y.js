// Small accessibility repairs of the theme's and extensions' markup (checked by axe-core in the
// browser tests).
document.addEventListener("DOMContentLoaded", () => {
  // Label in name (WCAG 2.5.3): the search field shows "Search Ctrl+K" but is labelled "Search".
  document.querySelectorAll(".search-button-field").forEach((button) => {
    button.setAttribute("aria-label", button.textContent.replace(/\s+/g, " ").trim());
  });
  // The colour-mode icons are decorative: the button's label already says what it does.
  // (Font Awesome turns the <i title> icons into <svg><title> a moment later.)
  document.querySelectorAll(".theme-switch-button [title]").forEach((icon) => {
    icon.removeAttribute("title");
  });
  document.querySelectorAll(".theme-switch-button svg").forEach((icon) => {
    icon.querySelectorAll("title").forEach((title) => title.remove());
    icon.setAttribute("aria-hidden", "true");
  });
  // Collapsible cells are named by their visible "Show/Hide code cell ..." text.
  document.querySelectorAll("summary[aria-label='Toggle hidden content']").forEach((summary) => {
    summary.removeAttribute("aria-label");
  });
  // A display formula wider than the column scrolls sideways: reachable by keyboard (WCAG 2.1.1).
  // (The book loads MathJax without its menu, which used to make every formula focusable.)
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(() => {
      document.querySelectorAll('mjx-container[display="true"]').forEach((formula) => {
        formula.setAttribute("tabindex", "0");
      });
    });
  }
  // A table or HTML output wider than the column scrolls sideways (book.css shows a shadow where more
  // is hidden): reachable by keyboard too. Checked on load and after a resize.
  const markScrolling = () => {
    document.querySelectorAll(".bd-content .pst-scrollable-table-container, .bd-content .table-wrapper").forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("alexandra-scrolls", scrolls);
      if (scrolls) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  };
  markScrolling();
  window.addEventListener("resize", markScrolling);
  // On a phone the on-page contents is a drawer over the page: jumping to a section closes it, so that
  // the reader sees where they landed (the theme leaves it open over the section).
  document.querySelectorAll(".bd-sidebar-secondary a[href^='#']").forEach((link) => {
    link.addEventListener("click", () => {
      const drawer = document.getElementById("pst-secondary-sidebar-checkbox");
      if (drawer && drawer.checked) drawer.checked = false;
    });
  });
  // A solution's title ("Solution to Exercise 4") opens and closes the solution, and its "Exercise 4" is a
  // link to the exercise: a click on it would close the solution the reader opened and jump. It shows the
  // exercise instead (scrolled to, the solution stays as it is), like a glance back at the question.
  document.querySelectorAll(".solution > .admonition-title a[href^='#']").forEach((link) => {
    link.addEventListener("click", (event) => {
      const exercise = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!exercise) return;
      event.preventDefault();
      event.stopPropagation(); // the title's own click would open or close the solution
      const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      exercise.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "start" });
    });
  });
  // sphinxcontrib-bibtex marks the bibliography as a list whose children are not list items.
  document.querySelectorAll(".citation-list[role='list']").forEach((list) => {
    list.removeAttribute("role");
  });
  // A figure drawn for a wide page is hard to read on a phone: tapping it opens the image at full size,
  // where it can be zoomed (the link is the image itself, so it works offline and from disk).
  document.querySelectorAll(".cell_output img, figure img").forEach((image) => {
    if (image.closest("a") || !image.getAttribute("src")) return;
    const link = document.createElement("a");
    link.href = image.getAttribute("src");
    link.className = "figure-full-size";
    link.setAttribute("aria-label", `${image.getAttribute("alt") || "Figure"} (open at full size)`);
    image.replaceWith(link);
    link.appendChild(image);
  });
});
