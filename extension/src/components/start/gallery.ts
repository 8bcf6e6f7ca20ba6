/**
 * The template gallery: one card per ready design with its diagram, name,
 * description and size.  Clicking (or Enter on) a card chooses it.
 */

import { Widget } from '@lumino/widgets';

import { ITemplateInfo, templateList, templatePreview } from '../../start-api';

export class TemplateGallery extends Widget {
  constructor(private _chosen: (name: string | null) => void) {
    super();
    this.addClass('isshoni-Gallery');
    this.node.setAttribute('role', 'listbox');
    this.node.setAttribute('aria-label', 'Templates');
    this.node.textContent = 'Loading the templates…';
    void this._load();
  }

  /** The chosen template's name, if any. */
  get value(): string | null {
    return this._value;
  }

  /** What the gallery calls the template `name` (its name until the list has loaded). */
  titleOf(name: string): string {
    return this._titles.get(name) ?? name;
  }

  dispose(): void {
    for (const url of this._urls) {
      URL.revokeObjectURL(url);
    }
    super.dispose();
  }

  private async _load(): Promise<void> {
    let templates: ITemplateInfo[];
    try {
      templates = await templateList();
    } catch (error) {
      this.node.textContent = `The templates could not be listed: ${(error as Error).message}`;
      return;
    }
    this._titles = new Map(templates.map(t => [t.name, t.title]));
    this.node.replaceChildren(...templates.map(t => this._card(t)));
  }

  private _card(t: ITemplateInfo): HTMLElement {
    const card = document.createElement('div');
    card.className = 'isshoni-GalleryCard';
    card.dataset.template = t.name;
    card.tabIndex = 0;
    card.setAttribute('role', 'option');
    card.setAttribute('aria-selected', 'false');
    const picture = document.createElement('img');
    picture.className = 'isshoni-GalleryCard-preview';
    picture.alt = `Diagram of ${t.title}`;
    templatePreview(t.name).then(
      url => {
        this._urls.push(url);
        picture.src = url;
      },
      () => picture.replaceWith(Object.assign(document.createElement('div'), {
        className: 'isshoni-GalleryCard-preview',
        textContent: 'no preview'
      }))
    );
    const title = document.createElement('div');
    title.className = 'isshoni-GalleryCard-name';
    title.textContent = t.title; // the server's (templates.title: the name when none is set)
    const size = document.createElement('div');
    size.className = 'isshoni-GalleryCard-size';
    size.textContent = `${t.resources} resources, ${t.connections} connections`;
    const text = document.createElement('div');
    text.className = 'isshoni-GalleryCard-description';
    text.textContent = t.description;
    card.append(picture, title, size, text);
    const choose = () => this._choose(t.name);
    card.addEventListener('click', choose);
    card.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        choose();
      }
    });
    return card;
  }

  private _choose(name: string): void {
    this._value = this._value === name ? null : name;
    for (const card of Array.from(this.node.querySelectorAll<HTMLElement>('.isshoni-GalleryCard'))) {
      const on = card.dataset.template === this._value;
      card.classList.toggle('isshoni-mod-chosen', on);
      card.setAttribute('aria-selected', String(on));
    }
    this._chosen(this._value);
  }

  private _value: string | null = null;
  private _titles = new Map<string, string>();
  private _urls: string[] = [];
}
