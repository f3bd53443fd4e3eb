# Synced by hand only (sync { automated = false }): its newest commit waits, OutOfSync, for someone to press Sync.
variable "image" {
  type    = string
  default = "shop/billing:1.4"
}

variable "replicas" {
  type    = number
  default = 1
}

job "billing" {
  datacenters = ["dc1"]
  type        = "service"

  group "api" {
    count = var.replicas

    task "server" {
      driver = "docker"

      config {
        image = var.image
      }
    }
  }
}
