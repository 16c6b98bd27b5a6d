// The staff panel: the staff commands (as in Discord) against this server, shown in a
// dialog. Text from the server is set as text, never as HTML.

const form = document.querySelector('[data-testid="staff-form"]');
const dialog = document.querySelector('[data-testid="staff-dialog"]');

async function run(body) {
  const response = await fetch('/console/api/staff', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  show(response.ok ? json : { text: json.message ?? `HTTP ${response.status}` });
}

function show(reply) {
  dialog.querySelector('[data-testid="staff-title"]').textContent = reply.card?.title ?? 'スタッフ画面';
  dialog.querySelector('[data-testid="staff-text"]').textContent = [reply.text, reply.card?.description].filter(Boolean).join('\n');
  const fields = dialog.querySelector('[data-testid="staff-fields"]');
  fields.replaceChildren(...(reply.card?.fields ?? []).flatMap((field) => {
    const name = document.createElement('dt');
    name.textContent = field.name;
    const value = document.createElement('dd');
    value.textContent = field.value;
    value.dataset.testid = 'staff-field';
    return [name, value];
  }));
  if (!dialog.open) dialog.showModal();
}

const role = () => form.elements.role.value;

for (const button of form.querySelectorAll('button[data-command]')) {
  button.addEventListener('click', () => void run({ role: role(), command: button.dataset.command }));
}
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const receipt = form.elements.receipt.value.trim();
  if (receipt) void run({ role: role(), command: 'application', receipt });
});
dialog.querySelector('[data-testid="staff-close"]').addEventListener('click', () => dialog.close());
