# A system job: one allocation on every client node.
variable "version" {
  type    = string
  default = "1.8.2"
}

job "node-agent" {
  datacenters = ["dc1"]
  type        = "system"

  group "agent" {
    task "exporter" {
      driver = "docker"

      config {
        image = "prom/node-exporter:v${var.version}"
      }
    }
  }
}
