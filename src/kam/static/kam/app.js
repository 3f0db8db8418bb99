// The phone menu of the app shell: one button opens and closes the navigation list.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (!toggle) return;
  const list = document.getElementById(toggle.getAttribute("aria-controls"));
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  list.classList.toggle("open", open);
});

// The pipeline board: dropping a card on another stage's column submits the card's own Move
// form (which htmx sends), so dragging and the keyboard take the same path.
document.addEventListener("dragstart", (event) => {
  const card = event.target.closest?.(".board-card");
  if (card) event.dataTransfer.setData("text/plain", card.dataset.opportunity);
});
document.addEventListener("dragover", (event) => {
  if (event.target.closest?.(".board-column")) event.preventDefault();
});
document.addEventListener("drop", (event) => {
  const column = event.target.closest?.(".board-column");
  if (!column) return;
  event.preventDefault();
  const id = event.dataTransfer.getData("text/plain");
  const form = document.querySelector(`.board-card[data-opportunity="${CSS.escape(id)}"] form.move`);
  if (!form || form.elements.stage.value === column.dataset.stage) return;
  form.elements.stage.value = column.dataset.stage;
  form.requestSubmit();
});
