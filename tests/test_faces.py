"""Real photos shipped in installed packages through s3pot.faces: BlazeFace finds what Haar finds, and more under occluders."""
import numpy as np
import pytest

from s3pot.data.shipped import found, paste_occluder, shipped_faces
from s3pot.faces import detect_faces


def portraits():
    faces = {f["name"]: f for f in shipped_faces(lfw=False)}
    if "astronaut" not in faces: pytest.skip("scikit-image is not installed: its photos and textures are absent")
    return faces


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_blazeface_finds_the_face_haar_finds(name):
    s = portraits()[name]
    assert found(detect_faces(s["image"], "haar"), s["box"])
    faces = detect_faces(s["image"])
    assert found(faces, s["box"]) and faces[0].mesh.shape == (468, 3)


@pytest.mark.parametrize("seed", [1, 3])
def test_a_hand_over_much_of_the_face(seed):
    "A real-texture hand covering 40–45 % of Grace Hopper's face box: BlazeFace still finds the face (Haar does not)."
    s = portraits()["grace_hopper"]
    occluded = paste_occluder(s["image"], s["box"], np.random.default_rng(seed), kind="hand")
    assert occluded["coverage"] > 0.35, occluded["coverage"]
    assert found(detect_faces(occluded["image"]), s["box"])
