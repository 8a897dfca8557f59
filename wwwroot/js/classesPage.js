// Classes (#/classes): create a class (you become its instructor and get a join code), join one with a code,
// and list your classes. The instructor sees the code (and can replace it), the members, and removes members;
// a member can leave. Each class links to the gallery of the models shared with it.

import { h } from './dom.js';
import { formatDate, formatDuration } from './format.js';
import { fieldErrors, problemText } from './http.js';
import { sharingApi } from './sharingApi.js';
import { errorFor, problemNotice, showFieldError } from './sharingUi.js';

export class ClassesPage {
  #root;
  #el = null;
  #openMembers = new Set(); // class ids whose member list is shown

  constructor(root, { currentUser = () => null } = {}) {
    this.#root = root;
    this.currentUser = currentUser;
  }

  show() {
    this.#root.hidden = false;
    if (!this.#el) this.#build();
    this.#load();
  }

  hide() {
    this.#root.hidden = true;
  }

  #build() {
    const el = {};
    // Create
    el.createName = h('input', { id: 'class-create-name', type: 'text', maxlength: '200', autocomplete: 'off', required: true, dataset: { testid: 'class-create-name' }, placeholder: 'e.g. Deep learning, autumn term' });
    el.createError = errorFor(el.createName, 'class-create-error');
    el.createSubmit = h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'class-create-submit' } }, 'Create class');
    el.createStatus = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'class-create-status' } });
    const create = h('form', { novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'class-create-name' }, 'Class name'), el.createName, el.createError),
      h('div', { class: 'form-actions' }, el.createSubmit, el.createStatus));
    create.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#create();
    });
    // Join
    el.joinCode = h('input', {
      id: 'class-join-code', type: 'text', maxlength: '32', autocomplete: 'off', spellcheck: 'false', required: true,
      class: 'mono join-code-input', dataset: { testid: 'class-join-code' }, placeholder: 'ABCD2345', 'aria-describedby': 'class-join-hint',
    });
    el.joinError = errorFor(el.joinCode, 'class-join-error');
    el.joinSubmit = h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'class-join-submit' } }, 'Join class');
    el.joinStatus = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'class-join-status' } });
    const join = h('form', { novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'class-join-code' }, 'Join code'), el.joinCode,
        h('p', { class: 'field__hint', id: 'class-join-hint' }, 'Eight letters and digits from your instructor; case does not matter.'),
        el.joinError),
      h('div', { class: 'form-actions' }, el.joinSubmit, el.joinStatus));
    join.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#join();
    });

    el.list = h('div', { 'aria-busy': 'true', 'aria-live': 'polite', dataset: { testid: 'class-list' } });
    this.#root.replaceChildren(
      h('h1', { id: 'classes-heading', class: 'page-title', tabindex: '-1' }, 'Classes'),
      h('p', { class: 'hint' }, 'A class groups the students of a course. Whoever creates it is its instructor and hands out the join code; members see the models shared with the class in the gallery under “My classes”.'),
      h('div', { class: 'data-grid' },
        h('section', { class: 'card', 'aria-labelledby': 'class-create-heading' }, h('h2', { id: 'class-create-heading', class: 'card__title' }, 'Create a class'), create),
        h('section', { class: 'card', 'aria-labelledby': 'class-join-heading' }, h('h2', { id: 'class-join-heading', class: 'card__title' }, 'Join a class'), join)),
      h('section', { class: 'section', 'aria-labelledby': 'class-list-heading' },
        h('div', { class: 'section__header' }, h('h2', { id: 'class-list-heading', class: 'section__title' }, 'My classes')),
        el.list));
    this.#el = el;
  }

  async #create() {
    const el = this.#el;
    showFieldError(el.createName, el.createError, '');
    const name = el.createName.value.trim();
    if (!name) {
      showFieldError(el.createName, el.createError, 'Give the class a name.');
      el.createName.focus();
      return;
    }
    el.createSubmit.disabled = true;
    el.createStatus.textContent = 'Creating…';
    try {
      const created = await sharingApi.createClass(name);
      el.createName.value = '';
      el.createStatus.textContent = `Created “${created.name}”. Its join code is ${created.joinCode}.`;
      this.#openMembers.add(String(created.id));
      await this.#load();
    } catch (error) {
      el.createStatus.textContent = '';
      showFieldError(el.createName, el.createError, fieldErrors(error, 'name') || problemText(error));
      el.createName.focus();
    } finally {
      el.createSubmit.disabled = false;
    }
  }

  async #join() {
    const el = this.#el;
    showFieldError(el.joinCode, el.joinError, '');
    const code = el.joinCode.value.trim();
    if (!code) {
      showFieldError(el.joinCode, el.joinError, 'Enter the join code.');
      el.joinCode.focus();
      return;
    }
    el.joinSubmit.disabled = true;
    el.joinStatus.textContent = 'Joining…';
    try {
      const joined = await sharingApi.joinClass(code);
      el.joinCode.value = '';
      el.joinStatus.textContent = `You are in “${joined.name}”.`;
      await this.#load();
    } catch (error) {
      el.joinStatus.textContent = '';
      showFieldError(el.joinCode, el.joinError, fieldErrors(error, 'code') || problemText(error));
      el.joinCode.focus();
    } finally {
      el.joinSubmit.disabled = false;
    }
  }

  async #load() {
    const list = this.#el.list;
    list.setAttribute('aria-busy', 'true');
    try {
      const classes = (await sharingApi.listClasses()) ?? [];
      if (classes.length === 0) {
        list.replaceChildren(h('p', { class: 'empty' }, 'You are in no class yet: create one, or join one with the code your instructor gave you.'));
        return;
      }
      const items = classes.map((c) => this.#item(c));
      list.replaceChildren(h('ul', { class: 'class-list' }, items));
      await Promise.all(classes.filter((c) => c.role === 'instructor' && this.#openMembers.has(String(c.id))).map((c) => this.#showMembers(c, list)));
    } catch (error) {
      list.replaceChildren(problemNotice(error, 'class-list-error'));
    } finally {
      list.setAttribute('aria-busy', 'false');
    }
  }

  #item(c) {
    const instructor = c.role === 'instructor';
    const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
    const actions = h('div', { class: 'form-actions' },
      h('a', { class: 'button button--secondary', href: `#/gallery?scope=classes&classId=${encodeURIComponent(c.id)}`, dataset: { testid: 'class-models' } },
        'Shared models', h('span', { class: 'visually-hidden' }, ` of ${c.name}`)),
      h('a', { class: 'button button--secondary', href: `#/assignments?class=${encodeURIComponent(c.id)}`, dataset: { testid: 'class-assignments' } }, 'Assignments', h('span', { class: 'visually-hidden' }, ` of ${c.name}`)));
    const item = h('li', { class: 'card class-item', dataset: { testid: 'class-item', classId: c.id, role: c.role } },
      h('div', { class: 'class-item__head' },
        h('h3', { class: 'card__title', dataset: { testid: 'class-name' } }, c.name),
        h('span', { class: 'kind-tag' }, instructor ? 'Instructor' : 'Member')),
      h('p', { class: 'muted small' },
        `${c.memberCount} member${c.memberCount === 1 ? '' : 's'} · instructor ${c.instructor ?? '?'} · created ${formatDate(c.createdAt)}`),
      instructor ? h('p', { class: 'join-code' }, 'Join code: ', h('strong', { class: 'mono', dataset: { testid: 'class-code' } }, c.joinCode ?? '–')) : null,
      actions,
      status);

    if (instructor) {
      const rotate = h('button', { type: 'button', class: 'button button--secondary', dataset: { testid: 'class-rotate-code' } },
        'New join code', h('span', { class: 'visually-hidden' }, ` for ${c.name}`));
      rotate.addEventListener('click', async () => {
        rotate.disabled = true;
        try {
          const updated = await sharingApi.rotateJoinCode(c.id);
          item.querySelector('[data-testid=class-code]').textContent = updated?.joinCode ?? '–';
          status.textContent = 'New join code: the old one no longer works.';
        } catch (error) {
          status.textContent = problemText(error);
        } finally {
          rotate.disabled = false;
        }
      });
      const members = h('button', { type: 'button', class: 'button button--link', 'aria-expanded': 'false', dataset: { testid: 'class-show-members' } }, 'Members');
      members.addEventListener('click', () => {
        const open = members.getAttribute('aria-expanded') === 'true';
        if (open) {
          this.#openMembers.delete(String(c.id));
          item.querySelector('.class-members')?.remove();
          members.setAttribute('aria-expanded', 'false');
        } else {
          this.#openMembers.add(String(c.id));
          this.#showMembers(c, item.parentElement);
        }
      });
      const queue = h('button', { type: 'button', class: 'button button--link', 'aria-expanded': 'false', dataset: { testid: 'class-show-queue' } }, 'Queue');
      queue.addEventListener('click', () => {
        const open = queue.getAttribute('aria-expanded') === 'true';
        queue.setAttribute('aria-expanded', String(!open));
        item.querySelector('.class-queue')?.remove();
        if (!open) this.#showQueue(c, item);
      });
      actions.append(rotate, members, queue);
    } else {
      const leave = h('button', { type: 'button', class: 'button button--danger', dataset: { testid: 'class-leave' } },
        'Leave', h('span', { class: 'visually-hidden' }, ` ${c.name}`));
      leave.addEventListener('click', async () => {
        if (!window.confirm(`Leave “${c.name}”? You will no longer see the models shared with it.`)) return;
        leave.disabled = true;
        try {
          await sharingApi.leaveClass(c.id);
          await this.#load();
        } catch (error) {
          status.textContent = problemText(error);
          leave.disabled = false;
        }
      });
      actions.append(leave);
    }
    return item;
  }

  async #showMembers(c, container) {
    const item = container.querySelector(`[data-testid=class-item][data-class-id="${CSS.escape(String(c.id))}"]`);
    if (!item) return;
    const toggle = item.querySelector('[data-testid=class-show-members]');
    toggle?.setAttribute('aria-expanded', 'true');
    item.querySelector('.class-members')?.remove();
    const box = h('div', { class: 'class-members', dataset: { testid: 'class-members' } }, h('p', { class: 'muted' }, 'Loading members…'));
    item.append(box);
    try {
      const detail = await sharingApi.getClass(c.id);
      const me = this.currentUser()?.id;
      const rows = (detail.members ?? []).map((m) => {
        const remove = m.role === 'instructor' || m.userId === me ? null
          : h('button', { type: 'button', class: 'button button--link thumb__delete', dataset: { testid: 'class-member-remove' } }, 'Remove', h('span', { class: 'visually-hidden' }, ` ${m.displayName}`));
        remove?.addEventListener('click', async () => {
          if (!window.confirm(`Remove ${m.displayName} from “${c.name}”?`)) return;
          remove.disabled = true;
          try {
            await sharingApi.removeMember(c.id, m.userId);
            await this.#load();
          } catch (error) {
            remove.replaceWith(h('span', { class: 'field__error', role: 'alert' }, problemText(error)));
          }
        });
        return h('tr', { dataset: { testid: 'class-member', name: m.displayName } },
          h('th', { scope: 'row' }, m.displayName),
          h('td', {}, m.role),
          h('td', {}, formatDate(m.joinedAt)),
          h('td', {}, remove));
      });
      box.replaceChildren(h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, `Members of ${c.name}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, 'Joined'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, rows)));
    } catch (error) {
      box.replaceChildren(problemNotice(error));
    }
  }

  /** The instructor's view of the class's running and queued jobs, in the order they will start (GET /api/classes/{id}/queue). */
  async #showQueue(c, item) {
    const box = h('div', { class: 'class-queue', dataset: { testid: 'class-queue' } }, h('p', { class: 'muted' }, 'Loading the queue…'));
    item.append(box);
    try {
      const { jobs } = await sharingApi.classQueue(c.id);
      if (!jobs.length) {
        box.replaceChildren(h('p', { class: 'empty' }, 'No member has a job running or waiting.'));
        return;
      }
      const when = (job) => job.status === 'Running'
        ? `running since ${formatDate(job.startedAt)}`
        : `#${job.position} · starts about ${formatDate(job.estimatedStartAt)}`;
      box.replaceChildren(h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, `Running and queued jobs of ${c.name}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Job'), h('th', { scope: 'col' }, 'Student'), h('th', { scope: 'col' }, 'Kind'),
          h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col', class: 'num' }, 'Estimated run'))),
        h('tbody', {}, jobs.map((job) => h('tr', { dataset: { testid: 'class-queue-job', status: job.status } },
          h('th', { scope: 'row' }, job.name),
          h('td', {}, job.owner),
          h('td', {}, job.kind),
          h('td', {}, when(job)),
          h('td', { class: 'num' }, job.estimatedRunSeconds == null ? '–' : formatDuration(job.estimatedRunSeconds)))))));
    } catch (error) {
      box.replaceChildren(problemNotice(error));
    }
  }
}
