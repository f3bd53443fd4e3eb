import type { Allocation } from '../src/nomad/types.js';
import type { Sim } from './context.js';
import { isTerminalAlloc, type SimNode } from './scheduler.js';
import { SimError, allocEvent, evalEvent, nowNs, type EventDraft } from './state.js';

/** The node list stub Nomad's `/v1/nodes` answers (api.NodeListStub). */
export function nodeStub(node: SimNode): Record<string, unknown> {
  return {
    Address: '127.0.0.1',
    ID: node.ID,
    Attributes: null,
    Datacenter: node.Datacenter,
    Name: node.Name,
    NodeClass: '',
    NodePool: 'default',
    Version: '',
    Drain: node.Drain ?? false,
    SchedulingEligibility: node.SchedulingEligibility ?? 'eligible',
    Status: 'ready',
    StatusDescription: '',
    Drivers: { docker: driver(), exec: driver(), raw_exec: driver() },
    HostVolumes: null,
    NodeResources: null,
    ReservedResources: null,
    LastDrain: node.LastDrain ?? null,
    CreateIndex: node.CreateIndex ?? 1,
    ModifyIndex: node.ModifyIndex ?? 1,
  };
}

/** The full node (api.Node), with the fields a UI or `nomad node status` reads. */
export function nodeDetail(node: SimNode): Record<string, unknown> {
  const { Drivers, LastDrain, CreateIndex, ModifyIndex, ...stub } = nodeStub(node);
  return {
    ...stub,
    SecretID: '',
    HTTPAddr: '127.0.0.1:4646',
    TLSEnabled: false,
    Attributes: { 'kernel.name': 'linux', 'cpu.arch': 'amd64', 'nomad.version': '' },
    Meta: {},
    Drivers,
    DrainStrategy: null,
    StatusUpdatedAt: 0,
    Events: null,
    LastDrain,
    CreateIndex,
    ModifyIndex,
  };
}

/** A node by full ID, or 404 as Nomad answers an unknown node. */
export function findNode(sim: Sim, id: string): SimNode {
  const node = sim.nodes.find((n) => n.ID === id);
  if (!node) throw new SimError(404, 'node not found');
  return node;
}

/** Sets eligibility; returns the write index. */
export function setEligibility(sim: Sim, node: SimNode, eligibility: 'eligible' | 'ineligible'): number {
  if (node.Drain && eligibility === 'eligible')
    throw new SimError(400, "can not set node's scheduling eligibility to eligible while it is draining");
  return sim.state.commit(['nodes'], (index) => {
    node.SchedulingEligibility = eligibility;
    node.ModifyIndex = index;
    return [nodeEvent('NodeEligibility', node)];
  });
}

/**
 * Drains a node: it turns ineligible, its service and batch allocations are stopped with
 * `DesiredTransition.Migrate` and one evaluation per job places the replacements elsewhere,
 * then the drain completes (LastDrain) and the node stays ineligible, as in Nomad.
 */
export function drainNode(sim: Sim, node: SimNode, ignoreSystemJobs: boolean): { evalIds: string[]; index: number } {
  const evalIds: string[] = [];
  const index = sim.state.commit(['nodes', 'allocs', 'evals'], (at) => {
    const events: EventDraft[] = [];
    node.SchedulingEligibility = 'ineligible';
    node.Drain = true;
    node.ModifyIndex = at;
    const jobs = new Map<string, Allocation>();
    for (const alloc of [...sim.state.allocs.values()]) {
      if (alloc.NodeID !== node.ID || isTerminalAlloc(alloc)) continue;
      const system = alloc.JobType === 'system' || alloc.JobType === 'sysbatch';
      if (system && ignoreSystemJobs) continue;
      const stopped = sim.scheduler.stopAlloc(alloc, at, 'alloc is being migrated');
      const migrated = { ...stopped, DesiredTransition: { Migrate: true } };
      sim.state.allocs.set(alloc.ID, migrated);
      events.push(allocEvent('AllocationUpdateDesiredTransition', migrated));
      if (!system) jobs.set(`${alloc.Namespace}\u0000${alloc.JobID}`, alloc);
    }
    for (const alloc of jobs.values()) {
      const job = sim.state.getJob(alloc.Namespace, alloc.JobID);
      if (!job) continue;
      const evaluation = sim.scheduler.createEval(job, 'node-drain', at);
      evalIds.push(evaluation.ID);
      events.push(evalEvent('AllocationUpdateDesiredTransition', evaluation));
    }
    events.push(nodeEvent('NodeDrain', node));
    return events;
  });
  for (const id of evalIds) sim.scheduler.enqueue(id);
  sim.scheduler.later(1, () =>
    sim.state.commit(['nodes'], (at) => {
      node.Drain = false;
      node.LastDrain = {
        Status: 'complete',
        StartedAt: new Date().toISOString(),
        UpdatedAt: new Date().toISOString(),
        AccessorID: '',
        Meta: null,
      };
      node.ModifyIndex = at;
      return [nodeEvent('NodeDrain', node)];
    }),
  );
  return { evalIds, index };
}

function nodeEvent(type: string, node: SimNode): EventDraft {
  return {
    Topic: 'Node',
    Type: type,
    Key: node.ID,
    Namespace: '',
    FilterKeys: null,
    Payload: { Node: nodeDetail(node) },
  };
}

function driver(): Record<string, unknown> {
  return {
    Attributes: null,
    Detected: true,
    Healthy: true,
    HealthDescription: 'Healthy',
    UpdateTime: new Date(nowNs() / 1e6).toISOString(),
  };
}
