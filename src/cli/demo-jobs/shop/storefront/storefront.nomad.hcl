# A healthy service: two instances behind an update block; image and count come from variables.
variable "image" {
  type    = string
  default = "nginx:1.27"
}

variable "replicas" {
  type    = number
  default = 2
}

job "storefront" {
  datacenters = ["dc1"]
  type        = "service"

  update {
    max_parallel     = 1
    min_healthy_time = "0s"
    healthy_deadline = "1m"
    auto_revert      = true
  }

  group "web" {
    count = var.replicas

    network {
      port "http" {
        to = 8080
      }
    }

    task "nginx" {
      driver = "docker"

      config {
        image = var.image
        ports = ["http"]
      }

      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
