//! Whether an image in a private ECR repository can be pulled: the
//! repository exists and holds the tag (or digest). Images elsewhere
//! (public ECR, Docker Hub, other registries) are not looked up: pulling
//! them needs no AWS permission.

use std::collections::BTreeMap;

use aws_config::{Region, SdkConfig};
use aws_sdk_ecr::error::ProvideErrorMetadata;
use aws_sdk_ecr::types::ImageIdentifier;

use super::call::failed;
use super::concurrent::{run_all, LIMIT};

/// A private ECR image reference, taken apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PrivateImage {
    pub account: String,
    pub region: String,
    pub repository: String,
    /// A tag, or a digest (`sha256:...`).
    pub reference: String,
}

impl PrivateImage {
    /// `ACCOUNT.dkr.ecr.REGION.amazonaws.com[.cn]/REPO[:TAG|@DIGEST]`; `None`
    /// for any other image.
    pub fn parse(image: &str) -> Option<PrivateImage> {
        let (host, path) = image.split_once('/')?;
        let mut parts = host.split('.');
        let account = parts.next()?;
        if parts.next()? != "dkr" || parts.next()? != "ecr" {
            return None;
        }
        let region = parts.next()?;
        if !host.ends_with(".amazonaws.com") && !host.ends_with(".amazonaws.com.cn") {
            return None;
        }
        if account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (repository, reference) = match path.split_once('@') {
            Some((repo, digest)) => (repo, digest.to_owned()),
            None => match path.rsplit_once(':') {
                Some((repo, tag)) if !tag.contains('/') => (repo, tag.to_owned()),
                _ => (path, "latest".to_owned()),
            },
        };
        Some(PrivateImage {
            account: account.to_owned(),
            region: region.to_owned(),
            repository: repository.to_owned(),
            reference,
        })
    }

    /// The repository's ARN, what the execution role must be allowed to
    /// pull from.
    pub fn repository_arn(&self) -> String {
        format!(
            "arn:aws:ecr:{}:{}:repository/{}",
            self.region, self.account, self.repository
        )
    }
}

/// What ECR said about an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageFacts {
    Found,
    NoRepository,
    NoImage,
    Unreadable(String),
}

/// Looks up each image in its own region (DescribeImages: one call tells
/// a missing repository from a missing tag).
pub async fn look_up(
    config: &SdkConfig,
    images: &[PrivateImage],
) -> BTreeMap<PrivateImage, ImageFacts> {
    let jobs = images
        .iter()
        .map(|image| {
            let ecr = aws_sdk_ecr::Client::from_conf(
                aws_sdk_ecr::config::Builder::from(config)
                    .region(Region::new(image.region.clone()))
                    .build(),
            );
            let image = image.clone();
            async move {
                let id = if image.reference.starts_with("sha256:") {
                    ImageIdentifier::builder().image_digest(&image.reference)
                } else {
                    ImageIdentifier::builder().image_tag(&image.reference)
                }
                .build();
                let facts = match ecr
                    .describe_images()
                    .registry_id(&image.account)
                    .repository_name(&image.repository)
                    .image_ids(id)
                    .send()
                    .await
                {
                    Ok(_) => ImageFacts::Found,
                    Err(e) if e.code() == Some("RepositoryNotFoundException") => {
                        ImageFacts::NoRepository
                    }
                    Err(e) if e.code() == Some("ImageNotFoundException") => ImageFacts::NoImage,
                    Err(e) => ImageFacts::Unreadable(failed("DescribeImages", e).to_string()),
                };
                (image, facts)
            }
        })
        .collect();
    run_all(jobs, LIMIT).await.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ecr_images_are_taken_apart() {
        let image = PrivateImage::parse(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/datadog-agent:7",
        )
        .unwrap();
        assert_eq!(image.account, "123456789012");
        assert_eq!(image.region, "eu-west-1");
        assert_eq!(image.repository, "mirror/datadog-agent");
        assert_eq!(image.reference, "7");
        assert_eq!(
            image.repository_arn(),
            "arn:aws:ecr:eu-west-1:123456789012:repository/mirror/datadog-agent"
        );
        let digest =
            PrivateImage::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/agent@sha256:abc")
                .unwrap();
        assert_eq!(digest.reference, "sha256:abc");
        assert_eq!(
            PrivateImage::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/agent")
                .unwrap()
                .reference,
            "latest"
        );
        assert_eq!(PrivateImage::parse("public.ecr.aws/datadog/agent:7"), None);
        assert_eq!(PrivateImage::parse("datadog/agent:7"), None);
        assert_eq!(PrivateImage::parse("gcr.io/datadoghq/agent:7"), None);
    }
}
