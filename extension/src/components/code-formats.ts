/**
 * The formats the code view shows (with the MIME type JupyterLab's editor
 * highlights each as), the order of Terraform's files, and copying to the
 * clipboard.
 */

export interface ICodeFormat {
  id: string;
  label: string;
  title: string;
  /** The type of a downloaded file. */
  mime: string;
  /** The language JupyterLab's editor highlights it as (its language registry's MIME type). */
  language: string;
}

/** Terraform files: JupyterLab has no HCL of its own; the code plugin registers it under this type. */
export const HCL_MIME = 'text/x-hcl';

export const CODE_FORMATS: ICodeFormat[] = [
  {
    id: 'cloudformation',
    label: 'CloudFormation',
    title: 'CloudFormation template (YAML)',
    mime: 'text/yaml',
    language: 'text/x-yaml'
  },
  {
    id: 'cloudformation-json',
    label: 'CFN JSON',
    title: 'CloudFormation template (JSON)',
    mime: 'application/json',
    language: 'application/json'
  },
  {
    id: 'terraform',
    label: 'Terraform',
    title: 'Terraform configuration (one file at a time)',
    mime: 'text/plain',
    language: HCL_MIME
  }
];

const TERRAFORM_ORDER = ['versions.tf', 'variables.tf', 'main.tf', 'outputs.tf'];

export function orderFiles(names: string[]): string[] {
  const rank = (n: string) => {
    const i = TERRAFORM_ORDER.indexOf(n);
    return i < 0 ? TERRAFORM_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Copy text, with the old execCommand way when the Clipboard API is refused. */
export async function copyText(text: string): Promise<void> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return;
    }
  } catch {
    // fall through: insecure context or permission refused
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) {
    throw new Error('the browser refused to copy');
  }
}
