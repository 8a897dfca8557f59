// Accounts in the browser: who is signed in (GET /api/auth/me), the sign-in / sign-up screen (cookie login,
// POST /api/auth/login?useCookies=true), the display name, and signing out. The server's messages are shown beside
// the field they concern: password rules under the password, an invalid email under the email. Sign-up answers a
// taken address like a new one, so a failed sign-in right after it is the only sign that the address had an account.

import { ApiError } from './http.js';
import { h } from './dom.js';
import { sharingApi } from './sharingApi.js';
import { errorFor, showFieldError } from './sharingUi.js';

class Session {
  #user = null;

  /** MeDto {id, email, displayName} of the signed-in user, or null. */
  get user() { return this.#user; }

  /** Asks the server who is signed in; null when nobody is (401). Other failures are thrown. */
  async load() {
    try {
      this.#user = await sharingApi.me();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.#user = null;
      else throw error;
    }
    return this.#user;
  }

  async signIn(email, password) {
    await sharingApi.signIn(email, password);
    return this.load();
  }

  async signUp(email, password, displayName) {
    await sharingApi.register(email, password, displayName);
    try {
      return await this.signIn(email, password);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        throw new Error('Signing in with this email and password failed. If the address already has an account, sign in with its password on the left.');
      }
      throw error;
    }
  }

  /** Sets the display name others see; → the updated MeDto. */
  async rename(displayName) {
    this.#user = await sharingApi.updateMe(displayName);
    return this.#user;
  }

  async signOut() {
    try {
      await sharingApi.signOut();
    } finally {
      this.#user = null;
    }
  }

  forget() {
    this.#user = null;
  }
}

export const session = new Session();

/** A refused sign-in in words. The server gives every failure the same 401, so this cannot (and need not) say more. */
export function signInMessage(error) {
  const detail = error instanceof ApiError ? (error.problem?.detail ?? '') : '';
  if (error instanceof ApiError && error.status === 401) return 'The email or password is wrong.';
  if (error instanceof ApiError && error.status === 429) return 'Too many attempts — wait a moment and try again.';
  return detail || error?.message || 'Signing in failed.';
}

/** Why a new display name was refused, in words. */
export function renameMessage(error) {
  const errors = error instanceof ApiError ? (error.errors?.displayName ?? []) : [];
  return errors.length > 0 ? `The display name ${[].concat(errors).join(' ')}` : (error?.message ?? 'Changing the name failed.');
}

/** Registration errors, split by the field they concern (keys like email, displayName, PasswordTooShort). */
export function signUpErrors(error) {
  const result = { email: [], displayName: [], password: [], other: [] };
  if (!(error instanceof ApiError)) {
    result.other.push(String(error?.message ?? error));
    return result;
  }
  const entries = Object.entries(error.errors ?? {});
  for (const [key, messages] of entries) {
    const list = [].concat(messages);
    if (/password/i.test(key)) result.password.push(...list);
    else if (/displayname/i.test(key)) result.displayName.push(...list);
    else if (/email|username/i.test(key)) result.email.push(...list);
    else result.other.push(...list);
  }
  if (entries.length === 0) result.other.push(error.problem?.detail || error.problem?.title || error.message);
  return result;
}

/** The sign-in and sign-up forms, side by side. */
export class AuthScreen {
  #root;
  #onSignedIn;
  #el = null;

  /**
   * @param {HTMLElement} root the view to render into
   * @param {{ onSignedIn: (user: {id: string, email: string, displayName: string}) => void }} options
   */
  constructor(root, { onSignedIn }) {
    this.#root = root;
    this.#onSignedIn = onSignedIn;
  }

  /** @param {string} [notice] why the screen is shown (e.g. the session ended). */
  show(notice) {
    if (!this.#el) this.#build();
    this.#el.notice.textContent = notice ?? '';
    this.#el.notice.hidden = !notice;
    this.#root.hidden = false;
    document.title = 'Sign in · DeepNetService';
  }

  hide() {
    this.#root.hidden = true;
  }

  focus() {
    this.#el?.heading.focus({ preventScroll: true });
  }

  #build() {
    const el = {};
    const field = (id, label, type, autocomplete, testid, hint) => {
      const input = h('input', {
        id, name: id, type, required: true, autocomplete, dataset: { testid },
        'aria-describedby': hint ? `${id}-hint` : null,
        ...(type === 'email' ? { inputmode: 'email', spellcheck: 'false' } : {}),
      });
      const error = errorFor(input, `${testid}-error`);
      const wrapper = h('div', { class: 'field' },
        h('label', { for: id }, label),
        input,
        hint ? h('p', { class: 'field__hint', id: `${id}-hint` }, hint) : null,
        error);
      return { input, error, wrapper };
    };

    el.heading = h('h1', { id: 'auth-heading', class: 'page-title', tabindex: '-1' }, 'Sign in to DeepNetService');
    el.notice = h('p', { class: 'notice notice--warning', role: 'status', hidden: true, dataset: { testid: 'auth-notice' } });

    // Sign in
    el.inEmail = field('signin-email', 'Email', 'email', 'username', 'signin-email');
    el.inPassword = field('signin-password', 'Password', 'password', 'current-password', 'signin-password');
    el.inStatus = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'signin-status' } });
    el.inError = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'signin-error' } });
    el.inSubmit = h('button', { type: 'submit', class: 'button button--primary', dataset: { testid: 'signin-submit' } }, 'Sign in');
    const signInForm = h('form', { class: 'auth-form', novalidate: true, 'aria-labelledby': 'signin-heading' },
      h('h2', { id: 'signin-heading', class: 'card__title' }, 'Sign in'),
      el.inError, el.inEmail.wrapper, el.inPassword.wrapper,
      h('div', { class: 'form-actions' }, el.inSubmit, el.inStatus));
    signInForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#signIn();
    });

    // Sign up
    el.upEmail = field('signup-email', 'Email', 'email', 'email', 'signup-email', 'Only you see it.');
    el.upName = field('signup-display-name', 'Display name', 'text', 'nickname', 'signup-display-name',
      'What classmates see on your models and in classes, instead of your email.');
    el.upPassword = field('signup-password', 'Password', 'password', 'new-password', 'signup-password',
      'At least 6 characters, with an upper-case and a lower-case letter, a digit and a symbol.');
    el.upStatus = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite', dataset: { testid: 'signup-status' } });
    el.upError = h('div', { class: 'notice notice--error', role: 'alert', hidden: true, dataset: { testid: 'signup-error' } });
    el.upSubmit = h('button', { type: 'submit', class: 'button button--secondary', dataset: { testid: 'signup-submit' } }, 'Create account');
    const signUpForm = h('form', { class: 'auth-form', novalidate: true, 'aria-labelledby': 'signup-heading' },
      h('h2', { id: 'signup-heading', class: 'card__title' }, 'New here? Create an account'),
      el.upError, el.upEmail.wrapper, el.upName.wrapper, el.upPassword.wrapper,
      h('div', { class: 'form-actions' }, el.upSubmit, el.upStatus));
    signUpForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#signUp();
    });

    this.#root.replaceChildren(
      el.heading,
      h('p', { class: 'hint auth-intro' }, 'Train RBMs, deep belief nets and conv nets, and share the models with your class. Your jobs, data sets and models belong to your account.'),
      el.notice,
      h('div', { class: 'auth-grid' },
        h('section', { class: 'card', dataset: { testid: 'signin-card' } }, signInForm),
        h('section', { class: 'card', dataset: { testid: 'signup-card' } }, signUpForm)));
    this.#el = el;
  }

  #clear(...fields) {
    for (const f of fields) showFieldError(f.input, f.error, '');
  }

  /** Browser-side checks first, so an empty field is named before the server is asked. */
  #checkFilled(email, password) {
    let ok = true;
    if (!email.input.value.trim()) {
      showFieldError(email.input, email.error, 'Enter your email address.');
      ok = false;
    }
    if (!password.input.value) {
      showFieldError(password.input, password.error, 'Enter a password.');
      ok = false;
    }
    if (!ok) (email.input.value.trim() ? password.input : email.input).focus();
    return ok;
  }

  async #signIn() {
    const el = this.#el;
    this.#clear(el.inEmail, el.inPassword);
    el.inError.hidden = true;
    if (!this.#checkFilled(el.inEmail, el.inPassword)) return;
    el.inSubmit.disabled = true;
    el.inStatus.textContent = 'Signing in…';
    try {
      const user = await session.signIn(el.inEmail.input.value.trim(), el.inPassword.input.value);
      if (!user) throw new Error('Signed in, but the server does not know the session. Are cookies blocked?');
      el.inStatus.textContent = `Signed in as ${user.email}.`;
      el.inPassword.input.value = '';
      this.#onSignedIn(user);
    } catch (error) {
      el.inStatus.textContent = '';
      el.inError.textContent = signInMessage(error);
      el.inError.hidden = false;
      el.inPassword.input.setAttribute('aria-invalid', 'true');
      el.inPassword.input.focus();
    } finally {
      el.inSubmit.disabled = false;
    }
  }

  async #signUp() {
    const el = this.#el;
    this.#clear(el.upEmail, el.upName, el.upPassword);
    el.upError.hidden = true;
    if (!this.#checkFilled(el.upEmail, el.upPassword)) return;
    if (!el.upName.input.value.trim()) {
      showFieldError(el.upName.input, el.upName.error, 'Choose the name others will see.');
      el.upName.input.focus();
      return;
    }
    el.upSubmit.disabled = true;
    el.upStatus.textContent = 'Creating your account…';
    try {
      const user = await session.signUp(el.upEmail.input.value.trim(), el.upPassword.input.value, el.upName.input.value.trim());
      if (!user) throw new Error('The account was created, but signing in failed. Sign in on the left.');
      el.upStatus.textContent = `Welcome, ${user.displayName}.`;
      el.upPassword.input.value = '';
      this.#onSignedIn(user);
    } catch (error) {
      el.upStatus.textContent = '';
      const errors = signUpErrors(error);
      showFieldError(el.upEmail.input, el.upEmail.error, errors.email.join(' '));
      showFieldError(el.upName.input, el.upName.error, errors.displayName.join(' '));
      showFieldError(el.upPassword.input, el.upPassword.error, errors.password.join(' '));
      if (errors.other.length > 0) {
        el.upError.textContent = errors.other.join(' ');
        el.upError.hidden = false;
      }
      (errors.email.length > 0 ? el.upEmail.input : errors.displayName.length > 0 ? el.upName.input : el.upPassword.input).focus();
    } finally {
      el.upSubmit.disabled = false;
    }
  }
}
