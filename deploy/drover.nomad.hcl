# Drover on the Nomad it manages: three instances, one leader elected on a Nomad Variables lock.
# Run:   nomad acl policy apply -namespace default -job drover drover deploy/drover-policy.hcl
#        nomad var put nomad/jobs/drover/config database_url='postgres://...'   (the shared store)
#        nomad job run -var image=registry.example.com/drover:0.1.0 deploy/drover.nomad.hcl
# See docs/ha.md.

variable "image" {
  type        = string
  description = "The Drover image (see the Dockerfile)."
  default     = "drover:0.1.0"
}

variable "datacenters" {
  type    = list(string)
  default = ["*"]
}

variable "config" {
  type        = string
  description = "The app, repository and cluster blocks of drover.hcl (the ha, store and listen blocks are set below)."
  default     = ""
}

job "drover" {
  type        = "service"
  datacenters = var.datacenters

  group "drover" {
    count = 3

    # One instance per node, so the loss of a node costs at most one instance.
    constraint {
      operator = "distinct_hosts"
      value    = "true"
    }

    spread {
      attribute = "${node.unique.id}"
    }

    network {
      port "http" {
        to = 8080
      }
    }

    # A new version first runs as one canary; an unhealthy canary rolls back by itself.
    update {
      max_parallel      = 1
      canary            = 1
      auto_promote      = true
      auto_revert       = true
      min_healthy_time  = "10s"
      healthy_deadline  = "2m"
      progress_deadline = "5m"
    }

    service {
      name     = "drover"
      port     = "http"
      provider = "nomad"

      check {
        name     = "ready"
        type     = "http"
        path     = "/readyz"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "drover" {
      driver = "docker"

      config {
        image = var.image
        ports = ["http"]
        args  = ["server", "--config", "/local/drover.hcl"]
      }

      # NOMAD_TOKEN comes from the task's workload identity; its ACL policy is deploy/drover-policy.hcl.
      identity {
        env         = true
        change_mode = "restart"
      }

      env {
        # The advertised URL followers name as the leader's.
        DROVER_ADVERTISE_URL = "http://${NOMAD_ADDR_http}"
      }

      # The shared store's URL is a secret: it stays in a Nomad variable and reaches only the environment.
      template {
        destination = "secrets/store.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
          {{ with nomadVar "nomad/jobs/drover/config" }}DROVER_DATABASE_URL={{ .database_url }}{{ end }}
        EOT
      }

      template {
        destination = "local/drover.hcl"
        change_mode = "restart"
        data        = <<-EOT
          listen   = "0.0.0.0:8080"
          data_dir = "/alloc/data/drover"

          cluster "default" {
            # The local agent; use https:// and the NOMAD_CACERT variables where the agent serves TLS.
            address = "http://{{ env "attr.unique.network.ip-address" }}:4646"
          }

          ha {
            enabled   = true
            lock_path = "nomad/jobs/drover/leader"
            ttl       = "15s"
          }

          store {
            postgres_url_env = "DROVER_DATABASE_URL"
          }

          ${var.config}
        EOT
      }

      resources {
        cpu    = 500
        memory = 512
      }
    }
  }
}
