# Its newest commit ships an image that crashes: the deployment fails and Nomad rolls it back (auto_revert).
variable "image" {
  type = string
}

job "checkout" {
  datacenters = ["dc1"]
  type        = "service"

  update {
    max_parallel     = 1
    min_healthy_time = "0s"
    healthy_deadline = "1m"
    auto_revert      = true
  }

  group "api" {
    count = 2

    task "server" {
      driver = "docker"

      config {
        image = var.image
      }
    }
  }
}
