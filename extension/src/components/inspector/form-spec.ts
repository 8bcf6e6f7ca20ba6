/**
 * Catalog property schemas turned into what the inspector's form needs: an
 * rjsf form schema and ui schema, the defaults, and per-property validation
 * (the same ajv the form uses, plus the checks JSON Schema cannot say: CIDR
 * ranges and the JSON documents).
 *
 * Values are validated one property at a time so the inspector writes each
 * valid property on its own (two people editing two properties both win) and
 * keeps an invalid one local until it becomes valid.
 */

import type {
  RJSFSchema,
  RJSFValidationError,
  UiSchema
} from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';

import { propertyTitle } from './words';

/** A CIDR problem (the server's `cidr_problem`), or null when the range is fine. */
export function cidrProblem(value: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) {
    return `'${value}' is not an IPv4 range like 10.0.0.0/16`;
  }
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some(o => o > 255) || prefix > 32) {
    return `'${value}' is not an IPv4 range like 10.0.0.0/16`;
  }
  const address =
    ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const hostBits = prefix === 32 ? 0 : (0xffffffff >>> prefix) >>> 0;
  if ((address & hostBits) >>> 0 !== 0) {
    return `'${value}' has host bits set (the range starts at a multiple of its size)`;
  }
  if (prefix < 16 || prefix > 28) {
    return 'AWS allows prefix lengths /16 to /28';
  }
  return null;
}

/** One ajv for every inspector form (not the shared default instance). */
export const validator = customizeValidator({
  customFormats: { cidr: (value: string) => cidrProblem(value) === null }
});

function isDocument(schema: any): boolean {
  return (
    schema?.type === 'object' ||
    schema?.type === 'array' ||
    schema?.$ref !== undefined ||
    schema?.$defs !== undefined
  );
}

function show(value: any): string {
  if (value === '') {
    return 'empty';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const MESSAGES: Record<string, (e: any, field: any) => string> = {
  pattern: (_e, field) =>
    field?.default !== undefined && field.default !== ''
      ? `not a valid value (for example ${show(field.default)})`
      : 'not a valid value',
  minimum: e => `must be at least ${e.params?.limit}`,
  maximum: e => `must be at most ${e.params?.limit}`,
  minLength: e =>
    e.params?.limit === 1 ? 'must not be empty' : `must have at least ${e.params?.limit} characters`,
  maxLength: e => `must have at most ${e.params?.limit} characters`,
  enum: e => `must be one of ${(e.params?.allowedValues ?? []).map(show).join(', ')}`,
  type: e => `must be ${e.params?.type === 'integer' ? 'a whole number' : `a ${e.params?.type}`}`
};

/**
 * One object schema (a resource type's `properties`, a link's property map,
 * the design meta) ready for the form.
 */
export class FormSpec {
  /**
   * @param properties - property key -> JSON Schema (with defaults)
   * @param options.widgets - per key rjsf widget name (e.g. 'textarea')
   * @param options.enumNames - per key display names of an enum
   */
  constructor(
    properties: Record<string, any>,
    options: {
      required?: string[];
      widgets?: Record<string, string>;
      enumNames?: Record<string, string[]>;
    } = {}
  ) {
    this.keys = Object.keys(properties);
    const formProps: Record<string, any> = {};
    const ui: UiSchema = {};
    for (const key of this.keys) {
      const source = properties[key] ?? {};
      this.fields[key] = source;
      if ('default' in source) {
        this.defaults[key] = source.default;
      }
      const description = [source.description, this._defaultText(source)]
        .filter(Boolean)
        .join(' ');
      const fieldUi: Record<string, any> = {};
      let field: any;
      if (isDocument(source)) {
        // JSON documents (an IAM policy, an event pattern, a state machine):
        // a JSON text area; validated against the full schema separately.
        field = { title: propertyTitle(key, source), description };
        fieldUi['ui:field'] = 'json';
      } else {
        field = { ...source, title: propertyTitle(key, source), description };
        // Defaults are filled in by `formData`, not by rjsf: rjsf would put a
        // cleared field straight back to its default while someone types.
        // Enums and booleans keep theirs (no empty placeholder option).
        if (!(source.enum || source.type === 'boolean')) {
          delete field.default;
        }
        delete field['x-variable'];
        if (Array.isArray(source.enum)) {
          // A select with readable names: `oneOf` consts with titles work in
          // every rjsf 5 (JupyterLab's ignores `ui:enumNames`).
          const names = options.enumNames?.[key];
          delete field.enum;
          field.oneOf = source.enum.map((value: any, i: number) => ({
            const: value,
            title: names?.[i] ?? (value === '' ? '(none)' : String(value))
          }));
        }
        if (source.type === 'string') {
          fieldUi['ui:emptyValue'] = '';
          if (source.default !== undefined && source.default !== '') {
            fieldUi['ui:placeholder'] = String(source.default);
          }
        }
      }
      if (options.widgets?.[key]) {
        fieldUi['ui:widget'] = options.widgets[key];
        if (options.widgets[key] === 'textarea') {
          fieldUi['ui:options'] = { rows: 4 };
        }
      }
      formProps[key] = field;
      ui[key] = fieldUi;
    }
    this.formSchema = {
      type: 'object',
      properties: formProps,
      ...(options.required?.length ? { required: options.required } : {})
    } as RJSFSchema;
    this.uiSchema = ui;
    // Keep one schema object per property: ajv caches compiled schemas by object.
    for (const key of this.keys) {
      this._checkSchemas[key] = this.fields[key];
    }
  }

  readonly keys: string[];
  readonly formSchema: RJSFSchema;
  readonly uiSchema: UiSchema;
  readonly defaults: Record<string, any> = {};
  readonly fields: Record<string, any> = {};

  /** The form's data: the document's values, else the defaults. */
  formData(values: Record<string, any>): Record<string, any> {
    const out: Record<string, any> = {};
    for (const key of this.keys) {
      const value = values[key] !== undefined ? values[key] : this.defaults[key];
      if (value !== undefined) {
        out[key] = value;
      }
    }
    return out;
  }

  isDocument(key: string): boolean {
    return isDocument(this.fields[key]);
  }

  /** Why a value cannot be written (empty when it can). */
  problems(key: string, value: any): string[] {
    const field = this.fields[key];
    if (!field) {
      return [`unknown property '${key}'`];
    }
    if (value === undefined) {
      return field.default !== undefined ? ['enter a value'] : [];
    }
    const result = validator.rawValidation<any>(this._checkSchemas[key], value);
    if (result.validationError) {
      return [result.validationError.message];
    }
    const out: string[] = [];
    for (const error of result.errors ?? []) {
      out.push(this.message(error, key, value));
    }
    return [...new Set(out)];
  }

  /** A friendlier message for an ajv error on one property. */
  message(error: any, key: string, value: any): string {
    const keyword: string = error.keyword ?? error.name;
    const field = this.fields[key];
    if (keyword === 'format' && error.params?.format === 'cidr' && typeof value === 'string') {
      return cidrProblem(value) ?? 'not a valid range';
    }
    const where: string = error.instancePath ?? '';
    if (where) {
      // inside a JSON document
      return `${where}: ${error.message}`;
    }
    const make = MESSAGES[keyword];
    return make ? make(error, field) : (error.message ?? String(error));
  }

  /** For rjsf `transformErrors`: the same friendly messages in the form. */
  transformErrors(
    errors: RJSFValidationError[],
    data: Record<string, any>
  ): RJSFValidationError[] {
    const keyOf = (error: RJSFValidationError) =>
      (error.property ?? '').replace(/^\./, '').split('.')[0];
    // enums are `oneOf` consts in the form: one 'const' error per option
    const visible = errors.filter(
      error => !(error.name === 'const' && this.fields[keyOf(error)]?.enum)
    );
    return visible.map(error => {
      const key = keyOf(error);
      if (!this.fields[key]) {
        return error;
      }
      if (error.name === 'oneOf' && this.fields[key].enum) {
        const message = `must be one of ${this.fields[key].enum.map(show).join(', ')}`;
        return { ...error, message, stack: `${key}: ${message}` };
      }
      const message = this.message(
        { keyword: error.name, params: error.params, message: error.message },
        key,
        data[key]
      );
      return { ...error, message, stack: `${key}: ${message}` };
    });
  }

  private _defaultText(schema: any): string {
    if (!('default' in schema) || isDocument(schema)) {
      return '';
    }
    return `(default: ${show(schema.default)})`;
  }

  private _checkSchemas: Record<string, any> = {};
}
