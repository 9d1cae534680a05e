/** The [Kube] section of `.kube` units: its common keys. */
import type { FieldTable } from '../fields';

export interface KubeSection {
  yaml?: string[];
  configMap?: string[];
  network?: string[];
  publishPort?: string[];
  autoUpdate?: string[];
  exitCodePropagation?: string;
  kubeDownForce?: boolean;
  logDriver?: string;
  setWorkingDirectory?: string;
  userNS?: string;
  podmanArgs?: string[];
  globalArgs?: string[];
}

export const KUBE_FIELDS: FieldTable<KubeSection> = {
  yaml: ['Yaml', 'list'],
  configMap: ['ConfigMap', 'list'],
  network: ['Network', 'list'],
  publishPort: ['PublishPort', 'list'],
  autoUpdate: ['AutoUpdate', 'list'],
  exitCodePropagation: ['ExitCodePropagation', 'string'],
  kubeDownForce: ['KubeDownForce', 'bool'],
  logDriver: ['LogDriver', 'string'],
  setWorkingDirectory: ['SetWorkingDirectory', 'string'],
  userNS: ['UserNS', 'string'],
  podmanArgs: ['PodmanArgs', 'argsAll'],
  globalArgs: ['GlobalArgs', 'argsAll'],
};
