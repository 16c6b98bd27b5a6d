// The staff panel: the staff commands (as in Discord) against this server, shown in a
// dialog with their buttons and forms. Text from the server is set as text, never as HTML.

const form = document.querySelector('[data-testid="staff-form"]');
const dialog = document.querySelector('[data-testid="staff-dialog"]');
const byTestId = (id) => dialog.querySelector(`[data-testid="${id}"]`);

const who = () => ({ role: form.elements.role.value, ...(form.elements.as.value ? { as: form.elements.as.value } : {}) });

async function run(body) {
  const response = await fetch('/console/api/staff', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...who(), ...body }),
  });
  const json = await response.json().catch(() => ({}));
  show(response.ok ? json : { text: json.message ?? `HTTP ${response.status}` });
}

function element(tag, text, testid) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (testid) node.dataset.testid = testid;
  return node;
}

function fieldList(fields) {
  return (fields ?? []).flatMap((field) => [element('dt', field.name), element('dd', field.value, 'staff-field')]);
}

function show(reply) {
  byTestId('staff-title').textContent = reply.card?.title ?? (reply.modal ? reply.modal.title : 'スタッフ画面');
  byTestId('staff-text').textContent = [reply.text, reply.card?.description].filter(Boolean).join('\n');
  byTestId('staff-fields').replaceChildren(...fieldList(reply.card?.fields));
  byTestId('staff-cards').replaceChildren(...(reply.cards ?? []).map((card) => {
    const section = element('section', undefined, 'staff-card');
    const fields = element('dl');
    fields.className = 'staff-fields';
    fields.replaceChildren(...fieldList(card.fields));
    section.replaceChildren(element('h4', card.title), ...(card.description ? [element('p', card.description)] : []), fields);
    return section;
  }));
  byTestId('staff-buttons').replaceChildren(...(reply.buttons ?? []).map((button) => {
    const node = element('button', button.label, 'staff-button');
    node.type = 'button';
    node.className = button.style;
    node.addEventListener('click', () => void run({ component: button.id }));
    return node;
  }));
  showModal(reply.modal);
  const file = byTestId('staff-file');
  file.hidden = !reply.file;
  if (reply.file) {
    const bytes = Uint8Array.from(atob(reply.file.base64), (c) => c.charCodeAt(0));
    file.href = URL.createObjectURL(new Blob([bytes]));
    file.download = reply.file.name;
    file.textContent = `${reply.file.name} をダウンロード`;
  }
  if (!dialog.open) dialog.showModal();
}

function showModal(modal) {
  const box = byTestId('staff-modal');
  box.hidden = !modal;
  if (!modal) return box.replaceChildren();
  const inputs = modal.inputs.map((input) => {
    const label = element('label');
    label.className = 'field';
    const control = element(input.multiline ? 'textarea' : 'input', undefined, `staff-input-${input.id}`);
    control.name = input.id;
    control.required = input.required;
    control.maxLength = input.maxLength;
    if (input.value !== undefined) control.value = input.value;
    if (input.placeholder) control.placeholder = input.placeholder;
    label.replaceChildren(element('span', input.label), control);
    return label;
  });
  const submit = element('button', '送信', 'staff-modal-submit');
  submit.type = 'submit';
  submit.className = 'primary';
  box.replaceChildren(...inputs, submit);
  box.onsubmit = (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(modal.inputs.map((input) => [input.id, box.elements[input.id].value]));
    void run({ component: modal.id, fields });
  };
}

for (const button of form.querySelectorAll('button[data-command]')) {
  button.addEventListener('click', () => void run({ command: button.dataset.command }));
}
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const receipt = form.elements.receipt.value.trim();
  if (receipt) void run({ command: 'application', receipt });
});
form.querySelector('[data-testid="staff-run"]').addEventListener('click', () => {
  const line = form.elements.line.value.trim();
  if (line) void run({ line });
});
byTestId('staff-close').addEventListener('click', () => dialog.close());

// Judges on the roster, so the panel can score as one of them.
fetch('/console/api/staff/roster').then((r) => r.json()).then(({ judges }) => {
  for (const judge of judges) {
    const option = element('option', `${judge.name} (${judge.id})`);
    option.value = judge.id;
    form.elements.as.append(option);
  }
}).catch(() => undefined);
