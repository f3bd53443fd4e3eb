# The ACL policy of Drover's workload identity: only what Drover needs.
#   nomad acl policy apply -namespace default -job drover drover deploy/drover-policy.hcl
# Add one namespace block per namespace Drover's apps deploy to (or use "*" if it manages them all).

namespace "default" {
  # list-jobs and read-job: job lists, jobs, versions, allocations, deployments, evaluations and the Job event topic.
  # submit-job: register (with EnforceIndex), plan, and deregister (prune). parse-job: server-side rendering.
  # read-job-scaling: keeping autoscaled counts. Nothing else: no exec, logs, fs, lifecycle, CSI or dispatch.
  capabilities = ["list-jobs", "read-job", "submit-job", "parse-job", "read-job-scaling"]

  variables {
    # The leader lock and Drover's own config; nothing else under nomad/jobs.
    path "nomad/jobs/drover/leader" {
      capabilities = ["read", "write", "list"]
    }
    path "nomad/jobs/drover/config" {
      capabilities = ["read"]
    }
  }
}
